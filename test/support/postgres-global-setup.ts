import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../process-kit/postgres/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the throw-away PostgreSQL cluster of this test run (database `postgres`). */
    pgAdminUrl: string;
  }
}

/**
 * One real PostgreSQL cluster per test run: the same throw-away embedded-postgres cluster the
 * target starts; each test file makes its own database in it (test/support/postgres.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await startEmbeddedPostgres();
  project.provide('pgAdminUrl', pg.url);
  return () => pg.stop();
}
