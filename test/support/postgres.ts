/**
 * PostgreSQL for tests: each store gets a fresh schema in DATABASE_URL's database (dropped by the global teardown),
 * so runs never see each other's rows. Without DATABASE_URL the PostgreSQL tests are skipped with a message saying
 * how to run them; `.ci/run` always sets it, so CI never skips them.
 */
import { randomBytes } from 'node:crypto';
import { PostgresStore } from '../../src/store/postgres/index.js';

export const DATABASE_URL = process.env.DATABASE_URL;
export const SCHEMA_PREFIX = 'hoody_test_';
export const POSTGRES_SKIP_REASON = 'DATABASE_URL is not set: PostgreSQL tests skipped (start PostgreSQL and set DATABASE_URL, as .ci/run does)';

export function freshSchema(): string {
  return `${SCHEMA_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function makePostgresStore(
  options: { schema?: string; applicationName?: string; lockTimeoutMs?: number; activityReadCacheMs?: number } = {},
): Promise<PostgresStore> {
  if (!DATABASE_URL) throw new Error(POSTGRES_SKIP_REASON);
  return PostgresStore.open({
    connectionString: DATABASE_URL,
    schema: options.schema ?? freshSchema(),
    maxConnections: 13,
    idleTimeoutMillis: 1000,
    applicationName: options.applicationName,
    lockTimeoutMs: options.lockTimeoutMs,
    activityReadCacheMs: options.activityReadCacheMs,
  });
}
