/**
 * activityBytes (src/store/postgres/activity-sql.ts) counts what PostgreSQL's activity_size counts for a stored row,
 * which activity.getStats adds for the records this process has not written yet. Checked here against the database
 * for random records: any text the server may store (quotes, backslashes, control characters, non-ASCII), and times
 * with 0 to 3 fraction digits, in sessions with UTC and with a half-hour offset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_COLUMNS, activityBytes } from '../../src/store/postgres/activity-sql.js';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import type { ActivityRecord } from '../../src/store/types.js';
import { DATABASE_URL, makePostgresStore } from '../support/postgres.js';
import { seededDraw } from '../support/seeded-random.js';

// Characters PostgreSQL's JSON escapes or writes as more than one byte, among plain ones.
const CHARACTERS = ['a', 'Z', '0', ' ', '/', '"', '\\', '\n', '\t', '\r', '\b', '\f', '\u0001', '\u001f', '\u007f', 'é', '€', '日', '😀', '<', '&'];

describe.skipIf(!DATABASE_URL)('activityBytes', () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await makePostgresStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('equals activity_size of the stored row, for 2,000 random records, in UTC and at +05:30', async () => {
    const draw = seededDraw(20_261_202);
    const text = (max: number) => Array.from({ length: draw(max + 1) }, () => CHARACTERS[draw(CHARACTERS.length)]).join('');
    const records: ActivityRecord[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `r${i}${text(3)}`,
      user_id: text(24),
      realm_id: text(8),
      method: (['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const)[draw(5)],
      path: `/api/v1/${text(40)}`,
      status_code: [200, 201, 400, 404, 429, 500][draw(6)],
      ip_address: draw(2) ? '127.0.0.1' : '2001:db8::1',
      user_agent: text(60),
      // Whole seconds, tenths, hundredths and milliseconds, so every fraction length occurs.
      created_at: new Date(Date.UTC(2026, 11, 1, 0, 0, draw(86_400)) + [0, 100, 120, 123, 7][draw(5)]).toISOString(),
    }));
    const types = ['text', 'text', 'text', 'text', 'text', 'int', 'text', 'text', 'timestamptz'];
    const client = await store.pool.connect();
    try {
      for (const timeZone of ['UTC', 'Asia/Kolkata']) {
        await client.query(`SET TimeZone = '${timeZone}'`);
        const { rows } = await client.query<{ bytes: string }>(
          `SELECT activity_size(ROW(${ACTIVITY_COLUMNS.map((column) => `h.${column}`).join(', ')}, 0)::activity) AS bytes
           FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')}) WITH ORDINALITY AS h(${ACTIVITY_COLUMNS.join(', ')}, position)
           ORDER BY h.position`,
          ACTIVITY_COLUMNS.map((column) => records.map((record) => record[column])),
        );
        const mismatches = records
          .map((record, i) => ({ record, database: Number(rows[i].bytes), here: activityBytes(record) }))
          .filter(({ database, here }) => database !== here);
        expect({ timeZone, mismatches: mismatches.slice(0, 3) }).toEqual({ timeZone, mismatches: [] });
      }
    } finally {
      await client.query('RESET TimeZone');
      client.release();
    }
  });
});
