/**
 * Vault keys list in byte order on a database whose default collation interleaves cases and moves `_` (ICU en-US,
 * like a database made under en_US.UTF-8 or by most managed services), as they do on the memory store and on this
 * machine's C.UTF-8 database. Before migration 012, such a database listed `_c 0 a A b B` where the memory store
 * listed `0 A B _c a b`. The test makes that database (and drops it after), since a collation is fixed at creation.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { demoData } from '../../src/store/demo-data.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { BYTE_ORDERED_KEYS, listMixedCaseKeys, MIXED_CASE_KEYS } from './contract/fixtures.js';
import { DATABASE_URL, SCHEMA_PREFIX } from '../support/postgres.js';

const database = `${SCHEMA_PREFIX}icu_${process.pid}`;

describe.skipIf(!DATABASE_URL)('PostgreSQL on a database with a case-folding collation', () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  const url = new URL(DATABASE_URL ?? 'postgres://unset');
  url.pathname = `/${database}`;

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('lists vault keys in byte order, where the database itself sorts them otherwise', async () => {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    const store = await PostgresStore.open({ connectionString: url.toString(), maxConnections: 4, idleTimeoutMillis: 500 });
    try {
      // The database's own order for these keys is not byte order: the case this test is for.
      const folded = await store.pool.query<{ keys: string[] }>('SELECT array_agg(k ORDER BY k) AS keys FROM unnest($1::text[]) AS k', [MIXED_CASE_KEYS]);
      expect(folded.rows[0].keys).not.toEqual(BYTE_ORDERED_KEYS);
      await store.seed(demoData());
      expect(await listMixedCaseKeys(store)).toEqual(BYTE_ORDERED_KEYS);
    } finally {
      await store.close();
    }
  });
});
