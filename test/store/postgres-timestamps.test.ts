/**
 * Every pool answers timestamptz columns as ISO strings without a Date in between (connection.ts,
 * `timestampAsIso`). They must be exactly what node-postgres's parser and `Date#toISOString` gave before: the same
 * milliseconds (truncated, not rounded), the same instant whatever the session's time zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { timestampAsIso } from '../../src/store/postgres/connection.js';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';

const parseAsDate = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date;
const viaDate = (text: string) => parseAsDate(text).toISOString();

describe('timestampAsIso', () => {
  it('gives what a Date parsed by node-postgres gives, for UTC texts with 0 to 6 fraction digits and for other offsets', () => {
    const texts = [
      '2026-12-01 19:06:00+00',
      '2026-12-01 19:06:00.5+00',
      '2026-12-01 19:06:00.12+00',
      '2026-12-01 19:06:00.129+00',
      '2026-12-01 19:06:00.1299+00',
      '2026-12-01 19:06:00.999999+00',
      '2026-12-01 19:06:00.000001+00',
      '1999-12-31 23:59:59.999+00',
      '2026-12-01 20:06:00.5+01',
      '2026-12-01 13:36:00.25-05:30',
    ];
    for (const text of texts) expect({ text, iso: timestampAsIso(text) }).toEqual({ text, iso: viaDate(text) });
    expect(timestampAsIso('2026-12-01 19:06:00.12+00')).toBe('2026-12-01T19:06:00.120Z');
    expect(timestampAsIso('2026-12-01 20:06:00.5+01')).toBe('2026-12-01T19:06:00.500Z');
  });
});

describe.skipIf(!DATABASE_URL)('PostgreSQL timestamps through the store’s pools', () => {
  let store: PostgresStore;
  let plain: pg.Client;
  beforeAll(async () => {
    store = await makePostgresStore();
    // node-postgres as it comes: Dates, in a session of the server's own time zone.
    plain = new pg.Client({ connectionString: DATABASE_URL, options: '-c TimeZone=America/St_Johns' });
    await plain.connect();
  });
  afterAll(async () => {
    await plain?.end();
    await store?.close();
  });

  it('are the ISO strings of the Dates node-postgres gives, for 2,000 instants down to the microsecond', async () => {
    // Whole seconds, milliseconds and microseconds, over a few centuries; the plain client's session is in a zone
    // with a half-hour offset, the store's in UTC: the instants must agree all the same.
    const sql = `SELECT to_timestamp(946684800 + i * 123457.123457 * (CASE WHEN i % 3 = 0 THEN 1 ELSE 1.000001 END)) AS at
      FROM generate_series(-1000, 999) AS i ORDER BY i`;
    const expected = (await plain.query(sql)).rows.map((row) => (row.at as Date).toISOString());
    for (const pool of [store.pool, store.readPool]) {
      const { rows } = await pool.query(sql);
      expect(rows).toHaveLength(2000);
      expect(rows.every((row) => typeof row.at === 'string')).toBe(true);
      expect(rows.map((row) => row.at)).toEqual(expected);
    }
  });

  it('under a session time zone other than UTC too', async () => {
    const client = await store.readPool.connect();
    try {
      await client.query("SET TimeZone = 'Asia/Kolkata'");
      const { rows } = await client.query("SELECT '2026-12-01 19:06:00.123456+00'::timestamptz AS at");
      expect(rows[0].at).toBe('2026-12-01T19:06:00.123Z');
    } finally {
      await client.query('RESET TimeZone');
      client.release();
    }
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
