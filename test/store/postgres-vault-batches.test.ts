/**
 * One user's vault writes queue in the process and their sets go to the database in batches (vault-write-queue.ts,
 * migration 007). What a caller must not notice: the writes apply in the order they were made, each has its own
 * outcome (created, updated, over the limit) as if it had run alone, one bad write fails only itself, and the usage
 * total stays the sum of the entries. What it should notice: far fewer statements than writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import type { VaultRecord } from '../../src/store/types.js';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';

const at = new Date().toISOString();
const entry = (user: string, key: string, value: string, realm = '', when = at): VaultRecord => ({
  user_id: user,
  realm_id: realm,
  key,
  value,
  metadata: null,
  size_bytes: Buffer.byteLength(value),
  created_at: when,
  updated_at: when,
});
const NO_LIMIT = Number.MAX_SAFE_INTEGER;
const callTime = (call: number) => new Date(Date.UTC(2026, 10, 1) + call * 1000).toISOString();
const REALMS = ['', '6680000000000000000000b1', '6680000000000000000000b2'];

describe.skipIf(!DATABASE_URL)('PostgreSQL vault writes of one user, batched', () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await makePostgresStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  async function expectUsageIsTheSumOfEntries(user: string) {
    const { rows } = await store.pool.query(
      `SELECT (SELECT total_bytes FROM vault_usage WHERE user_id = $1)::int AS total,
              (SELECT coalesce(sum(size_bytes), 0) FROM vault_entries WHERE user_id = $1)::int AS entries`,
      [user],
    );
    expect(rows[0].total).toBe(rows[0].entries);
    // The per-realm counters (migration 006), which a batch writes once for all its writes.
    const [kept, fresh] = await Promise.all([
      store.pool.query('SELECT realm_id, keys::int, bytes::int FROM vault_realm_usage WHERE user_id = $1 AND keys > 0 ORDER BY 1', [user]),
      store.pool.query('SELECT realm_id, count(*)::int AS keys, sum(size_bytes)::int AS bytes FROM vault_entries WHERE user_id = $1 GROUP BY 1 ORDER BY 1', [
        user,
      ]),
    ]);
    expect(kept.rows).toEqual(fresh.rows);
    return fresh.rows.length;
  }

  it('apply 200 concurrent writes to 20 keys in call order, in a few statements, with one "created" per key', async () => {
    const user = 'batch-order';
    const statementsBefore = store.statements;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, call) =>
        store.setVault(entry(user, `k${call % 20}`, `value of call ${call}`, REALMS[(call % 20) % 3], callTime(call)), NO_LIMIT),
      ),
    );
    const statements = store.statements - statementsBefore;
    console.log(`200 concurrent sets by one user: ${statements} statements`);
    expect(statements).toBeLessThanOrEqual(10);

    const created = outcomes.map((outcome, call) => (outcome !== 'VAULT_LIMIT_EXCEEDED' && outcome.created ? call : -1)).filter((call) => call >= 0);
    expect(created).toEqual(Array.from({ length: 20 }, (_, call) => call));
    const { rows } = await store.pool.query('SELECT key, value FROM vault_entries WHERE user_id = $1 ORDER BY key COLLATE "C"', [user]);
    const expected = Array.from({ length: 20 }, (_, key) => ({ key: `k${key}`, value: `value of call ${180 + key}` })).sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(rows).toEqual(expected);
    // A key keeps the time of its first write as created_at; each answer shows the entry as its write left it.
    outcomes.forEach((outcome, call) =>
      expect(outcome).toMatchObject({ entry: { key: `k${call % 20}`, created_at: callTime(call % 20), updated_at: callTime(call) } }),
    );
    const stored = await store.pool.query('SELECT key, created_at, updated_at FROM vault_entries WHERE user_id = $1', [user]);
    for (const row of stored.rows) {
      const key = Number(row.key.slice(1));
      expect([row.created_at, row.updated_at]).toEqual([callTime(key), callTime(180 + key)]);
    }
    expect(await expectUsageIsTheSumOfEntries(user)).toBe(3);
  });

  it('check the limit per write against the writes before it: the first ten fit, then only a rewrite that adds nothing', async () => {
    const user = 'batch-limit';
    const thousand = 'x'.repeat(1000);
    const calls = [
      ...Array.from({ length: 40 }, (_, call) => store.setVault(entry(user, `k${call}`, thousand), 10_000)),
      // Rewrites k0 with the same size: the total does not grow, so it fits even with the vault full.
      store.setVault(entry(user, 'k0', 'y'.repeat(1000)), 10_000),
      // One byte more than k1 held: over the limit.
      store.setVault(entry(user, 'k1', 'z'.repeat(1001)), 10_000),
    ];
    const outcomes = await Promise.all(calls);
    expect(outcomes.slice(0, 10).every((outcome) => outcome !== 'VAULT_LIMIT_EXCEEDED' && outcome.created)).toBe(true);
    expect(outcomes.slice(10, 40).every((outcome) => outcome === 'VAULT_LIMIT_EXCEEDED')).toBe(true);
    expect(outcomes[40]).toMatchObject({ created: false, entry: { key: 'k0', value: 'y'.repeat(1000) } });
    expect(outcomes[41]).toBe('VAULT_LIMIT_EXCEEDED');
    const { rows } = await store.pool.query('SELECT count(*)::int AS keys, sum(size_bytes)::int AS bytes FROM vault_entries WHERE user_id = $1', [user]);
    expect(rows[0]).toEqual({ keys: 10, bytes: 10_000 });
    await expectUsageIsTheSumOfEntries(user);
  });

  it('fail only the write the database refuses; the others of its batch are stored', async () => {
    const user = 'batch-failure';
    const calls = Array.from({ length: 12 }, (_, call) =>
      // PostgreSQL text cannot hold a NUL character: that one write fails the batch's statement.
      store.setVault(entry(user, `k${call}`, call === 6 ? 'bad \u0000 value' : `value ${call}`), NO_LIMIT),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.map((outcome) => outcome.status)).toEqual(Array.from({ length: 12 }, (_, call) => (call === 6 ? 'rejected' : 'fulfilled')));
    const { rows } = await store.pool.query('SELECT key FROM vault_entries WHERE user_id = $1 ORDER BY key', [user]);
    expect(rows.map((row) => row.key).sort()).toEqual(
      Array.from({ length: 12 }, (_, call) => `k${call}`)
        .filter((key) => key !== 'k6')
        .sort(),
    );
    await expectUsageIsTheSumOfEntries(user);
  });

  it('keep deletes and clears in their place among the sets', async () => {
    const user = 'batch-deletes';
    const [first, deleted, again, cleared, last] = await Promise.all([
      store.setVault(entry(user, 'k', 'one'), NO_LIMIT),
      store.deleteVault(user, '', 'k'),
      store.setVault(entry(user, 'k', 'two'), NO_LIMIT),
      store.clearVault(user, ''),
      store.setVault(entry(user, 'k', 'three'), NO_LIMIT),
    ]);
    expect([first, again, last].map((outcome) => outcome !== 'VAULT_LIMIT_EXCEEDED' && outcome.created)).toEqual([true, true, true]);
    expect([deleted, cleared]).toEqual([true, 1]);
    expect((await store.getVault(user, '', 'k'))?.value).toBe('three');
    await expectUsageIsTheSumOfEntries(user);
  });

  it('refuse at once past 1,000 queued writes for one user (503), and still apply the ones it took', async () => {
    const user = 'batch-queue';
    const settled = await Promise.allSettled(Array.from({ length: 1_100 }, (_, call) => store.setVault(entry(user, `k${call % 50}`, `v${call}`), NO_LIMIT)));
    const refused = settled.filter((outcome) => outcome.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((outcome) => /too many concurrent vault writes/.test(String((outcome as PromiseRejectedResult).reason)))).toBe(true);
    expect(settled.filter((outcome) => outcome.status === 'fulfilled').length).toBe(1_100 - refused.length);
    await expectUsageIsTheSumOfEntries(user);
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
