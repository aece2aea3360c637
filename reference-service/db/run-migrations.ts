import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { packageFile } from '../package-file.ts';

/** Not beside the compiled module (dist/ holds only JavaScript): always the package's own folder. */
const migrationsDir = packageFile('reference-service/db/migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The versioned SQL files `NNN-name.sql`, in version order. */
export function listMigrations(): Migration[] {
  return fs
    .readdirSync(migrationsDir)
    .filter((f) => /^\d+-[\w-]+\.sql$/.test(f))
    .map((file) => ({
      version: Number.parseInt(file, 10),
      name: file.replace(/\.sql$/, ''),
      sql: fs.readFileSync(path.join(migrationsDir, file), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
}

/** Arbitrary but fixed: every instance of the target serialises its migrations on this lock. */
const migrationLockKey = 0x5713_55_1a;

/**
 * Applies the missing migrations in one transaction under an advisory lock, so two instances starting
 * at once apply each migration exactly once and a failed migration leaves nothing half-done.
 * Returns the versions it applied.
 */
export async function runMigrations(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(done.rows.map((r) => r.version));
    const newlyApplied: number[] = [];
    for (const m of listMigrations()) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      newlyApplied.push(m.version);
    }
    await client.query('COMMIT');
    return newlyApplied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
