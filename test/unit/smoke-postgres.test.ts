import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '../support/postgres.ts';

describe('test PostgreSQL cluster', () => {
  it('gives each test file its own real database', async () => {
    const db = await createTestDatabase('smoke');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const r = await c.query<{ v: string }>('select current_database() as v');
    expect(r.rows[0]?.v).toMatch(/^smoke_/);
    await c.end();
    await db.drop();
  });
});
