/**
 * Plain numbered SQL migrations (migrations/NNN_name.sql), applied in order, each once, in one transaction under an
 * advisory lock, so that several server processes starting together migrate once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { MIGRATIONS_DIR } from '../../paths.js';

/** Any constant shared by every process of this app. */
export const MIGRATION_LOCK_KEY = 7_301_994;

export async function migrate(pool: Pool): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // A migration may take a while (building rollups over existing rows), and so may waiting for another process's:
    // the connection's time limits (connection.ts) are for requests, not for this transaction.
    await client.query('SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await client.query(readFileSync(MIGRATIONS_DIR + file, 'utf8'));
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
    await client.query('COMMIT');
    return applied;
  } catch (failure) {
    await client.query('ROLLBACK').catch(() => {});
    throw failure;
  } finally {
    client.release();
  }
}
