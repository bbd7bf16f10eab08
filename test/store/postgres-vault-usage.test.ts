/**
 * vault.getStats reads per-realm counters (migration 006) instead of counting entries. After random concurrent
 * sets, updates, deletes and clears across realms (and a write in plain SQL), the counters must equal a fresh
 * aggregate of the entries, and the store's answer must equal both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';

const REALMS = ['', '6680000000000000000000a1', '6680000000000000000000a2'];
const USERS = ['vault-user-1', 'vault-user-2'];

describe.skipIf(!DATABASE_URL)('PostgreSQL vault counters per realm', () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await makePostgresStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  async function expectCountersMatchEntries() {
    const [kept, fresh] = await Promise.all([
      store.pool.query('SELECT user_id, realm_id, keys::int, bytes::int FROM vault_realm_usage WHERE keys > 0 ORDER BY 1, 2'),
      store.pool.query('SELECT user_id, realm_id, count(*)::int AS keys, sum(size_bytes)::int AS bytes FROM vault_entries GROUP BY 1, 2 ORDER BY 1, 2'),
    ]);
    expect(kept.rows).toEqual(fresh.rows);
    for (const user of USERS) {
      for (const realm of REALMS) {
        const row = fresh.rows.find((r) => r.user_id === user && r.realm_id === realm) ?? { keys: 0, bytes: 0 };
        const usage = await store.vaultUsage(user, realm);
        expect({ user, realm, keys: usage.realmKeys, bytes: usage.realmBytes }).toEqual({ user, realm, keys: row.keys, bytes: row.bytes });
      }
    }
    return fresh.rows.length;
  }

  it('stay equal to the entries through 600 random concurrent writes, deletes and clears', async () => {
    let seed = 7;
    const next = (n: number) => (seed = (seed * 48_271) % 2_147_483_647) % n;
    const at = new Date().toISOString();
    for (let round = 0; round < 30; round += 1) {
      await Promise.all(
        Array.from({ length: 20 }, () => {
          const user = USERS[next(USERS.length)];
          const realm = REALMS[next(REALMS.length)];
          const key = `k${next(12)}`;
          const draw = next(20);
          if (draw === 0) return store.clearVault(user, realm);
          if (draw < 5) return store.deleteVault(user, realm, key);
          const size = 1 + next(500);
          return store.setVault(
            { user_id: user, realm_id: realm, key, value: 'v'.repeat(size), metadata: null, size_bytes: size, created_at: at, updated_at: at },
            Number.MAX_SAFE_INTEGER,
          );
        }),
      );
    }
    const groups = await expectCountersMatchEntries();
    console.log(`vault counters: ${groups} (user, realm) groups equal to their entries after 600 operations`);
  });

  it('follow a write in plain SQL too', async () => {
    await store.pool.query("UPDATE vault_entries SET size_bytes = size_bytes + 1 WHERE user_id = 'vault-user-1'");
    await store.pool.query("DELETE FROM vault_entries WHERE user_id = 'vault-user-2' AND key = 'k1'");
    await expectCountersMatchEntries();
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
