/**
 * Activity and vault reads go out as named prepared statements on the read pool (connection.ts): planned once per
 * connection, not per call.
 * A migration that changes the activity table under a statement prepared before it makes PostgreSQL refuse that
 * statement ("cached plan must not change result type"); the store must prepare it afresh, not fail from then on.
 * The store keeps no activity reads here (activity-read-cache.ts), so that every read sends its statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';

const USER = 'prepared-user';
const since = () => new Date(Date.now() - 86_400_000).toISOString();

describe.skipIf(!DATABASE_URL)('PostgreSQL activity reads as prepared statements', () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await makePostgresStore({ activityReadCacheMs: 0 });
    for (let i = 0; i < 30; i += 1) {
      await store.appendActivity({
        id: `6690000000000000000000${String(i).padStart(2, '0')}`,
        user_id: USER,
        realm_id: '',
        method: i % 3 ? 'GET' : 'POST',
        path: '/api/v1/users/x',
        status_code: i % 5 ? 200 : 404,
        ip_address: '127.0.0.1',
        user_agent: 'test',
        created_at: new Date(Date.now() - i * 1000).toISOString(),
      });
    }
  });
  afterAll(async () => {
    await store?.close();
  });

  /**
   * Runs `sql` once on each of the read pool's five connections; the answers, one each. All five are checked out
   * before any runs it: five `pool.query` calls at once may share a connection that came back early, and miss one.
   */
  const onEveryConnection = async (sql: string) => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => store.readPool.connect()));
    try {
      return await Promise.all(clients.map((client) => client.query(sql)));
    } finally {
      for (const client of clients) client.release();
    }
  };
  /**
   * Runs `reads` through each of the read pool's connections in turn, the others held meanwhile: so that each has
   * prepared the statements `reads` sends.
   */
  const throughEachConnection = async (reads: () => Promise<unknown>) => {
    const held = await Promise.all(Array.from({ length: 5 }, () => store.readPool.connect()));
    try {
      for (let i = 0; i < held.length; i += 1) {
        held[i].release();
        await reads();
        held[i] = await store.readPool.connect();
      }
    } finally {
      for (const client of held) client.release();
    }
  };
  /** How many statements this store has prepared, over every pooled connection. */
  const preparedOnThePool = async () =>
    (await onEveryConnection("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'hoody\\_%'")).reduce(
      (sum, probe) => sum + probe.rows[0].n,
      0,
    );

  const readEverything = () =>
    Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2
          ? store.listActivity(USER, { since: since(), method: 'POST' }, 1, 5)
          : store.activityStats(USER, since()).then((stats) => ({ total: stats.totalRecords })),
      ),
    );

  it('are prepared on the pooled connections', async () => {
    await readEverything();
    expect(await preparedOnThePool()).toBeGreaterThan(0);
  });

  it('keep one generic plan each: no call is planned again with its own values', async () => {
    for (let round = 0; round < 4; round += 1) await readEverything();
    const plans = await onEveryConnection(
      "SELECT coalesce(sum(generic_plans), 0)::int AS generic, coalesce(sum(custom_plans), 0)::int AS custom FROM pg_prepared_statements WHERE name LIKE 'hoody\\_%'",
    );
    expect(plans.reduce((sum, probe) => sum + probe.rows[0].generic, 0)).toBeGreaterThanOrEqual(30);
    expect(plans.reduce((sum, probe) => sum + probe.rows[0].custom, 0)).toBe(0);
  });

  it('survive a change of the activity table under them', async () => {
    const before = await readEverything();
    await store.pool.query('ALTER TABLE activity ADD COLUMN added_by_a_later_migration text');
    const after = await readEverything();
    expect(after.map((answer) => answer.total)).toEqual(before.map((answer) => answer.total));
    expect(before.map((answer) => answer.total)).toEqual([30, 10, 30, 10, 30, 10]);
  });

  it('vault reads too', async () => {
    const at = new Date().toISOString();
    await store.setVault({ user_id: USER, realm_id: '', key: 'k', value: 'v', metadata: null, size_bytes: 1, created_at: at, updated_at: at }, 1_000);
    const reads = () => Promise.all([store.getVault(USER, '', 'k'), store.listVault(USER, '', 1, 10)]);
    const [entry, page] = await reads();
    await store.pool.query('ALTER TABLE vault_entries ADD COLUMN added_by_a_later_migration text');
    expect(await reads()).toEqual([entry, page]);
    expect(page.total).toBe(1);
  });

  it('fall back to plain statements when the prepared ones vanish (as behind a transaction-mode pooler)', async () => {
    const before = await readEverything();
    // Every pooled connection forgets its prepared statements, while node-postgres still believes they are there:
    // each has them first, so that whichever connection a read lands on, its statement is missing.
    await throughEachConnection(readEverything);
    await onEveryConnection('DEALLOCATE ALL');
    expect(await readEverything()).toEqual(before);
    // From then on nothing is prepared (reads already in flight when the first one failed may have prepared theirs
    // again, so the connections are emptied once more first).
    await onEveryConnection('DEALLOCATE ALL');
    expect(await readEverything()).toEqual(before);
    expect(await preparedOnThePool()).toBe(0);
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
