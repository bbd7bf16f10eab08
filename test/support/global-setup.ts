/**
 * Before the run: clears the coverage records of the previous run, so the report after `vitest run` counts this run
 * only, and builds the server as `npm start` does (the tests that start a server process run that build). After
 * the run: drops the PostgreSQL schemas (and databases) the tests made.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { ROOT } from './cli.js';
import { DATABASE_URL, SCHEMA_PREFIX } from './postgres.js';

export default function setup() {
  rmSync(`${ROOT}test-results/coverage`, { recursive: true, force: true });
  rmSync(`${ROOT}test-results/contract-coverage`, { recursive: true, force: true });
  execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: ROOT, stdio: 'inherit' });
  if (!DATABASE_URL) console.warn('DATABASE_URL is not set: PostgreSQL tests will be skipped');
  return async function teardown() {
    if (!DATABASE_URL) return;
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '${SCHEMA_PREFIX}%'`);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA "${nspname.replace(/"/g, '""')}" CASCADE`);
    // And any database a test made (postgres-collation.test.ts drops its own; this is for a run cut short).
    const made = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${SCHEMA_PREFIX}%'`);
    for (const { datname } of made.rows) await client.query(`DROP DATABASE "${datname.replace(/"/g, '""')}" WITH (FORCE)`);
    await client.end();
  };
}
