/**
 * The principal cache (users by id, API tokens by digest) is only as fresh as its invalidation. Checked here:
 * hits cost no statement; this process's writes are seen at once; another process's writes and plain SQL reach it
 * through the trigger's notification; while the notification connection is down nothing is cached, and caching
 * resumes when it is back; a lookup that raced an invalidation does not fill the cache.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestApiToken, generateApiToken } from '../../src/auth/api-tokens.js';
import { PrincipalCache } from '../../src/store/postgres/principal-cache.js';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import { demoData, DEMO_USERS } from '../../src/store/demo-data.js';
import { DATABASE_URL, freshSchema, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';

const john = DEMO_USERS.john_doe.id;

/** Polls `check` until it holds, at most 100 times 20 ms apart; answers how many polls it took. */
async function eventually(check: () => Promise<boolean>): Promise<number> {
  for (let poll = 1; poll <= 100; poll += 1) {
    if (await check()) return poll;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the change never arrived');
}

describe('PrincipalCache', () => {
  it('a lookup that started before an invalidation does not fill the cache; a later one does', async () => {
    const cache = new PrincipalCache<{ v: number }>();
    cache.setLive(true);
    let release!: () => void;
    const slow = cache.read('k', () => new Promise((resolve) => (release = () => resolve({ v: 1 }))));
    cache.forget('k');
    release();
    expect(await slow).toEqual({ v: 1 });
    expect(cache.size).toBe(0);
    let loads = 0;
    const load = async () => ({ v: (loads += 1) });
    expect(await cache.read('k', load)).toEqual({ v: 1 });
    expect(await cache.read('k', load)).toEqual({ v: 1 });
    expect(loads).toBe(1);
  });

  it('caches nothing while not live, expires entries, stays within its size, and freezes what it shares', async () => {
    let now = 0;
    const cache = new PrincipalCache<{ v: number; nested: { w: number } }>(2, 1000, () => now);
    let loads = 0;
    const load = async () => ({ v: (loads += 1), nested: { w: 1 } });
    await cache.read('a', load);
    await cache.read('a', load);
    expect(loads).toBe(2);
    cache.setLive(true);
    const shared = (await cache.read('a', load))!;
    expect(() => (shared.nested.w = 2)).toThrow(TypeError);
    await cache.read('a', load);
    expect(loads).toBe(3);
    now = 1000;
    await cache.read('a', load);
    expect(loads).toBe(4);
    await cache.read('b', load);
    await cache.read('c', load);
    expect(cache.size).toBe(2);
  });
});

describe.skipIf(!DATABASE_URL)('the principal cache on PostgreSQL', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  let other: PostgresStore;
  let admin: pg.Client;
  const plain = generateApiToken();
  let tokenId: string;

  beforeAll(async () => {
    store = await makePostgresStore({ schema, applicationName: 'principal-cache-test' });
    other = await makePostgresStore({ schema });
    await store.seed(demoData());
    const at = new Date().toISOString();
    const created = await store.createToken(
      {
        id: '6a0000000000000000000001',
        user_id: john,
        token_digest: digestApiToken(plain),
        public_key: null,
        public_storage: null,
        ip_whitelist: ['*'],
        realm_ids: [],
        allow_no_realm: true,
        permissions: { users: { read: true } },
        expires_at: null,
        is_enabled: true,
        vault_access: false,
        event_access: false,
        last_used_at: null,
        last_used_ip: null,
        created_at: at,
        updated_at: at,
      },
      ['Cached'],
    );
    tokenId = (created as { id: string }).id;
    admin = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await other?.close();
    await store?.close();
  });

  it('a second lookup of a user or a token sends no statement', async () => {
    await store.getUser(john);
    await store.findTokenByDigest(digestApiToken(plain));
    const before = store.statements;
    expect((await store.getUser(john))?.id).toBe(john);
    expect((await store.findTokenByDigest(digestApiToken(plain)))?.id).toBe(tokenId);
    expect(store.statements).toBe(before);
  });

  it("this process's own writes are seen by its next lookup", async () => {
    await store.getUser(john);
    await store.updateUser(john, { alias: 'Changed Here' }, new Date().toISOString());
    expect((await store.getUser(john))?.alias).toBe('Changed Here');
    await store.findTokenByDigest(digestApiToken(plain));
    await store.updateToken(john, tokenId, { is_enabled: false }, new Date().toISOString());
    expect((await store.findTokenByDigest(digestApiToken(plain)))?.is_enabled).toBe(false);
    await store.updateToken(john, tokenId, { is_enabled: true }, new Date().toISOString());
    expect((await store.findTokenByDigest(digestApiToken(plain)))?.is_enabled).toBe(true);
  });

  it("another process's writes and plain SQL reach the cache through the notification", async () => {
    await store.getUser(john);
    await store.findTokenByDigest(digestApiToken(plain));
    await other.updateUser(john, { is_banned: true }, new Date().toISOString());
    const banPolls = await eventually(async () => (await store.getUser(john))?.is_banned === true);
    await admin.query('UPDATE auth_tokens SET is_enabled = false WHERE id = $1', [tokenId]);
    const revokePolls = await eventually(async () => (await store.findTokenByDigest(digestApiToken(plain)))?.is_enabled === false);
    await admin.query('DELETE FROM auth_tokens WHERE id = $1', [tokenId]);
    const deletePolls = await eventually(async () => (await store.findTokenByDigest(digestApiToken(plain))) === undefined);
    console.log(`principal cache: a ban seen after ${banPolls} poll(s), a revocation after ${revokePolls}, a deletion after ${deletePolls} (20 ms apart)`);
    // A token's last use changes no cached field and notifies nothing: the cached user stays a hit.
    await store.getUser(john);
    const before = store.statements;
    await store.getUser(john);
    expect(store.statements).toBe(before);
  });

  it('while the notification connection is down nothing is cached; caching resumes when it is back', async () => {
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'principal-cache-test' AND query LIKE 'LISTEN%'");
    // Until the listener is back, every lookup goes to the database, so a change made in SQL is seen at once.
    await eventually(async () => {
      const before = store.statements;
      await store.getUser(john);
      return store.statements > before;
    });
    await admin.query('UPDATE users SET alias = $2 WHERE id = $1', [john, 'Changed In SQL']);
    expect((await store.getUser(john))?.alias).toBe('Changed In SQL');
    await eventually(async () => {
      await store.getUser(john);
      const before = store.statements;
      await store.getUser(john);
      return store.statements === before;
    });
    await admin.query('UPDATE users SET alias = $2 WHERE id = $1', [john, 'After Reconnect']);
    await eventually(async () => (await store.getUser(john))?.alias === 'After Reconnect');
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
