import pg from 'pg';
import { createTestDatabase } from './postgres.ts';

/**
 * A fresh test database for the reference target, with `synchronous_commit = off`: the tests check the
 * queue's locking and atomicity, which do not depend on WAL flushes, and a flush per commit would
 * triple the time of the queue tests on a busy disk.
 */
export async function createTargetTestDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await createTestDatabase(prefix);
  const name = new URL(db.url).pathname.slice(1);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    await c.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} SET synchronous_commit = off`);
  } finally {
    await c.end();
  }
  return db;
}
