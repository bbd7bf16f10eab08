/**
 * A quiet server keeps one connection of each pool open past the idle timeout (`keepOpenConnections`), so that its
 * next request does not pay for a new connection, whose backend builds its caches and plans its prepared
 * statements again (20-50 ms a request here). Counted from the database's side, in pg_stat_activity.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoData, DEMO_USERS } from '../../src/store/demo-data.js';
import { newId } from '../../src/domain/ids.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { DATABASE_URL, freshSchema } from '../support/postgres.js';

const IDLE_MS = 200;
const john = DEMO_USERS.john_doe.id;

describe.skipIf(!DATABASE_URL)('PostgreSQL connections of a quiet server', () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());

  const backends = async (applicationName: string) =>
    (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows.map((row) => row.pid);

  /** Polls every 50 ms, for up to 10 s (bounded), until `condition` holds. */
  async function waitFor(condition: () => Promise<boolean>) {
    for (let i = 0; i < 200 && !(await condition()); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async function afterALoadAndAQuietSpell(keepOpenConnections?: number) {
    const applicationName = `hoody-idle-${randomBytes(3).toString('hex')}`;
    const store = await PostgresStore.open({
      connectionString: DATABASE_URL!,
      schema: freshSchema(),
      idleTimeoutMillis: IDLE_MS,
      applicationName,
      keepOpenConnections,
    });
    await store.seed(demoData());
    // Several statements at once on the main and read pools, so that each opens more than one connection; and an
    // activity batch, written through the activity pool.
    await Promise.all(Array.from({ length: 4 }, () => store.pool.query('SELECT pg_sleep(0.05)')));
    await Promise.all(Array.from({ length: 4 }, (_, i) => store.getVault(john, '', `missing-${i}`)));
    const at = new Date().toISOString();
    await store.appendActivity({
      id: newId(),
      user_id: john,
      realm_id: '',
      method: 'GET',
      path: '/x',
      status_code: 200,
      ip_address: '127.0.0.1',
      user_agent: 't',
      created_at: at,
    });
    await store.writeHeldActivity();
    const busy = await backends(applicationName);
    // The listener, and at most what the pools keep, once the idle ones have closed; then quiet for 5 idle timeouts.
    await waitFor(async () => (await backends(applicationName)).length <= 1 + 3 * (keepOpenConnections ?? 1));
    await new Promise((resolve) => setTimeout(resolve, 5 * IDLE_MS));
    return { store, busy, quiet: await backends(applicationName) };
  }

  it('keeps one connection per pool open, and the next read runs on a backend it already had', async () => {
    const { store, busy, quiet } = await afterALoadAndAQuietSpell();
    try {
      expect(busy.length).toBeGreaterThan(4);
      // The listener and one connection of each of the main, read and activity pools.
      expect(quiet).toHaveLength(4);
      expect(busy).toEqual(expect.arrayContaining(quiet));
      const { rows } = await store.readPool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(quiet).toContain(rows[0].pid);
    } finally {
      await store.close();
    }
  });

  it('closed, holds none; closed again (a test beside its helper, a second signal), answers as the first close did', async () => {
    const applicationName = `hoody-close-${randomBytes(3).toString('hex')}`;
    const store = await PostgresStore.open({ connectionString: DATABASE_URL!, schema: freshSchema(), applicationName });
    await store.getVault(john, '', 'missing');
    expect((await backends(applicationName)).length).toBeGreaterThan(0);
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await waitFor(async () => (await backends(applicationName)).length === 0);
    expect(await backends(applicationName)).toEqual([]);
  });

  it('with keepOpenConnections 0, only the listener stays', async () => {
    const { store, quiet } = await afterALoadAndAQuietSpell(0);
    try {
      expect(quiet).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
