/**
 * Processes that start together on one empty database seed the demo data together. Two concurrent inserts of the
 * same demo user collide on its username, which `ON CONFLICT (id)` does not cover; seeding must still succeed in
 * every process (the two-process test once failed to start on this).
 */
import { describe, expect, it } from 'vitest';
import { demoData } from '../../src/store/demo-data.js';
import { DATABASE_URL, freshSchema, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';

describe.skipIf(!DATABASE_URL)('PostgreSQL demo seeding from processes starting together', () => {
  it('succeeds in all of them, ten times over, and leaves one copy of each demo user', async () => {
    for (let round = 0; round < 10; round += 1) {
      const schema = freshSchema();
      const stores = await Promise.all([makePostgresStore({ schema }), makePostgresStore({ schema }), makePostgresStore({ schema })]);
      try {
        await Promise.all(stores.map((store) => store.seed(demoData())));
        const { rows } = await stores[0].pool.query('SELECT count(*)::int AS users FROM users');
        expect(rows[0].users).toBe(demoData().users.length);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    }
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
