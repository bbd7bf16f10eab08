/**
 * The store contract: one suite every Store implementation must pass (the way Hono runs one router suite against
 * every router). Each test gets a fresh store seeded with the demo data. Concurrency cases print their figures.
 */
import { describe, expect, it } from 'vitest';
import { demoData, DEMO_USERS } from '../../src/store/demo-data.js';
import type { Store, TokenRecord, VaultRecord } from '../../src/store/types.js';

const jane = DEMO_USERS.jane_roe.id;
const john = DEMO_USERS.john_doe.id;
const MIB = 1_048_576;
const T0 = '2030-01-01T00:00:00.000Z';
let counter = 0;
const id = () => `6660${(counter++).toString(16).padStart(20, '0')}`;

function token(userId: string, fields: Partial<TokenRecord> = {}): Omit<TokenRecord, 'alias'> {
  const tokenId = fields.id ?? id();
  return {
    id: tokenId,
    user_id: userId,
    token_digest: `digest-${tokenId}`,
    public_key: null,
    public_storage: null,
    ip_whitelist: ['*'],
    realm_ids: [],
    allow_no_realm: true,
    permissions: {},
    expires_at: null,
    is_enabled: true,
    vault_access: false,
    event_access: true,
    last_used_at: null,
    last_used_ip: null,
    created_at: T0,
    updated_at: T0,
    ...fields,
  };
}

function entry(userId: string, key: string, size: number, realmId = ''): VaultRecord {
  return { user_id: userId, realm_id: realmId, key, value: 'x'.repeat(size), metadata: null, size_bytes: size, created_at: T0, updated_at: T0 };
}

export function runStoreContract(name: string, makeStore: () => Promise<Store>) {
  async function fresh() {
    const store = await makeStore();
    await store.seed(demoData());
    return store;
  }

  describe(`Store contract: ${name}`, () => {
    it('users: reads, updates, refuses a banned admin and a stale password hash, changing nothing', async () => {
      const store = await fresh();
      expect((await store.getUser(john))?.username).toBe('john_doe');
      expect(await store.getUser('6650ffffffffffffffffffff')).toBeUndefined();
      expect(await store.updateUser(jane, { alias: 'J', metadata: { a: 1 } }, T0)).toMatchObject({ alias: 'J', metadata: { a: 1 }, updated_at: T0 });
      expect(await store.updateUser(DEMO_USERS.admin.id, { is_banned: true }, T0)).toBe('CANNOT_BAN_ADMIN');
      expect(await store.updateUser(jane, { is_admin: true, is_banned: true }, T0)).toBe('CANNOT_BAN_ADMIN');
      expect(await store.getUser(jane)).toMatchObject({ is_admin: false, is_banned: false });
      expect(await store.updateUser(jane, { password_hash: 'new' }, T0, { expectedPasswordHash: 'stale' })).toBe('PASSWORD_CHANGED');
      expect(await store.updateUser('6650ffffffffffffffffffff', { alias: 'x' }, T0)).toBeUndefined();
      await store.close();
    });

    it('OTP steps are accepted once, and never an older one', async () => {
      const store = await fresh();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.consumeOtpStep(jane, 100)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.consumeOtpStep(jane, 99)).toBe(false);
      expect(await store.consumeOtpStep(jane, 101)).toBe(true);
      await store.close();
    });

    it('provisioning happens once under 10 concurrent calls', async () => {
      const store = await fresh();
      const make = () => {
        const [s, p, c] = [id(), id(), id()];
        return {
          server: { id: s, user_id: jane, name: 'free', region: 'us-east-1', tier: 'free' as const, status: 'active' as const, realm_id: '', created_at: T0 },
          project: { id: p, user_id: jane, name: 'Default project', is_default: true, realm_id: '', created_at: T0 },
          container: { id: c, user_id: jane, name: 'default', project_id: p, server_id: s, realm_id: '', status: 'running' as const, created_at: T0 },
        };
      };
      const results = await Promise.all(Array.from({ length: 10 }, () => store.provision(jane, make())));
      console.log(`[${name}] provisioning race: ${results.filter((r) => r.created).length} created of 10`);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.provisioning.server.id)).size).toBe(1);
      await store.close();
    });

    it('activity: newest first, every filter, pagination, stats and batched purge', async () => {
      const store = await fresh();
      const at = (minute: number) => new Date(Date.parse(T0) + minute * 60_000).toISOString();
      for (let i = 0; i < 10; i += 1) {
        await store.appendActivity({
          id: id(),
          user_id: jane,
          realm_id: i % 2 ? '507f1f77bcf86cd799439012' : '',
          method: i % 3 ? 'GET' : 'PATCH',
          path: `/p/${i}`,
          status_code: i < 7 ? 200 : 404,
          ip_address: '127.0.0.1',
          user_agent: 'ua',
          created_at: at(i),
        });
      }
      await store.appendActivity({
        id: id(),
        user_id: john,
        realm_id: '',
        method: 'GET',
        path: '/john',
        status_code: 200,
        ip_address: '1.1.1.1',
        user_agent: '',
        created_at: at(5),
      });
      const since = at(0);
      const page = await store.listActivity(jane, { since }, 1, 3);
      expect(page.total).toBe(10);
      expect(page.items.map((e) => e.path)).toEqual(['/p/9', '/p/8', '/p/7']);
      expect((await store.listActivity(jane, { since }, 4, 3)).items.map((e) => e.path)).toEqual(['/p/0']);
      expect((await store.listActivity(jane, { since, minStatus: 400 }, 1, 50)).total).toBe(3);
      expect((await store.listActivity(jane, { since, maxStatus: 200 }, 1, 50)).total).toBe(7);
      expect((await store.listActivity(jane, { since, method: 'PATCH' }, 1, 50)).total).toBe(4);
      expect((await store.listActivity(jane, { since, realmId: '507f1f77bcf86cd799439012' }, 1, 50)).total).toBe(5);
      expect((await store.listActivity(jane, { since, startDate: at(3), endDate: at(5) }, 1, 50)).items.map((e) => e.path)).toEqual(['/p/5', '/p/4', '/p/3']);
      expect((await store.listActivity(jane, { since: at(8) }, 1, 50)).total).toBe(2);
      const stats = await store.activityStats(jane, since);
      expect(stats).toMatchObject({ totalRecords: 10, oldest: at(0), newest: at(9) });
      expect(stats.totalSizeBytes).toBeGreaterThan(1000);
      expect(await store.purgeActivity(at(4), 3)).toBe(3);
      expect(await store.purgeActivity(at(4), 3)).toBe(1);
      expect(await store.purgeActivity(at(4), 3)).toBe(0);
      expect((await store.activityStats(jane, since)).totalRecords).toBe(6);
      expect((await store.listActivity(john, { since }, 1, 50)).total).toBe(1);
      await store.close();
    });

    it('vault: 201 then 200, realms apart, usage follows writes, deletes and clears', async () => {
      const store = await fresh();
      const created = await store.setVault({ ...entry(jane, 'k', 10), metadata: { a: 1 } }, 100);
      expect(created).toMatchObject({ created: true, entry: { key: 'k', size_bytes: 10, metadata: { a: 1 } } });
      const updated = await store.setVault({ ...entry(jane, 'k', 20), created_at: '2031-01-01T00:00:00.000Z' }, 100);
      expect(updated).toMatchObject({ created: false, entry: { size_bytes: 20, created_at: T0, metadata: null } });
      await store.setVault(entry(jane, 'k', 30, '507f1f77bcf86cd799439012'), 100);
      await store.setVault(entry(jane, 'a', 5), 100);
      expect(await store.vaultUsage(jane, '')).toEqual({ realmKeys: 2, realmBytes: 25, totalBytes: 55 });
      expect(await store.setVault(entry(jane, 'b', 46), 100)).toBe('VAULT_LIMIT_EXCEEDED');
      expect(await store.getVault(jane, '', 'b')).toBeUndefined();
      expect((await store.listVault(jane, '', 1, 1)).items.map((e) => e.key)).toEqual(['a']);
      expect((await store.listVault(jane, '', 2, 1)).items.map((e) => e.key)).toEqual(['k']);
      expect(await store.getVault(john, '', 'k')).toBeUndefined();
      expect(await store.deleteVault(jane, '', 'k')).toBe(true);
      expect(await store.deleteVault(jane, '', 'k')).toBe(false);
      expect((await store.vaultUsage(jane, '')).totalBytes).toBe(35);
      expect(await store.clearVault(jane, '507f1f77bcf86cd799439012')).toBe(1);
      expect(await store.vaultUsage(jane, '')).toEqual({ realmKeys: 1, realmBytes: 5, totalBytes: 5 });
      await store.close();
    });

    it('vault: with 40 MB used, 20 concurrent 1 MB writes give exactly 10 successes, and usage is the sum of sizes', async () => {
      const store = await fresh();
      const limit = 50 * MIB;
      await store.setVault(entry(jane, 'base', 40 * MIB), limit);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.setVault(entry(jane, `k${i}`, MIB, i % 2 ? '507f1f77bcf86cd799439012' : ''), limit)),
      );
      const ok = results.filter((r) => r !== 'VAULT_LIMIT_EXCEEDED').length;
      const usage = await store.vaultUsage(jane, '');
      const inRealm = await store.vaultUsage(jane, '507f1f77bcf86cd799439012');
      console.log(`[${name}] vault quota race: ${ok} stored, ${20 - ok} refused; usage ${usage.totalBytes} = ${usage.realmBytes + inRealm.realmBytes}`);
      expect(ok).toBe(10);
      expect(usage.totalBytes).toBe(limit);
      expect(usage.realmBytes + inRealm.realmBytes).toBe(usage.totalBytes);
      await store.close();
    });

    it('tokens: alias candidates, conflicts, lookups, updates, use, delete, newest first', async () => {
      const store = await fresh();
      const a = await store.createToken(token(jane, { public_key: 'a'.repeat(64) }), ['Alpha']);
      expect(a).toMatchObject({ alias: 'Alpha', user_id: jane });
      expect(await store.createToken(token(jane), ['Alpha'])).toBe('DUPLICATE_ALIAS');
      expect(await store.createToken(token(jane), ['Alpha', 'Alpha 2'])).toMatchObject({ alias: 'Alpha 2' });
      expect(await store.createToken(token(john), ['Alpha'])).toMatchObject({ alias: 'Alpha' });
      expect(await store.createToken(token(john, { public_key: 'a'.repeat(64) }), ['Beta'])).toBe('PUBLIC_KEY_IN_USE');
      const alpha = a as TokenRecord;
      expect((await store.findTokenByDigest(alpha.token_digest))?.id).toBe(alpha.id);
      expect((await store.findTokenByPublicKey('a'.repeat(64), T0))?.id).toBe(alpha.id);
      expect(await store.getToken(john, alpha.id)).toBeUndefined();
      expect(await store.updateToken(jane, alpha.id, { alias: 'Alpha 2' }, T0)).toBe('DUPLICATE_ALIAS');
      expect(await store.updateToken(john, alpha.id, { alias: 'Mine' }, T0)).toBeUndefined();
      expect(
        await store.updateToken(
          jane,
          alpha.id,
          { is_enabled: false, permissions: { vault: { read: true } }, expires_at: '2031-01-01T00:00:00.000Z' },
          '2030-02-01T00:00:00.000Z',
        ),
      ).toMatchObject({
        is_enabled: false,
        permissions: { vault: { read: true } },
        expires_at: '2031-01-01T00:00:00.000Z',
        updated_at: '2030-02-01T00:00:00.000Z',
      });
      expect(await store.findTokenByPublicKey('a'.repeat(64), T0)).toBeUndefined();
      await store.recordTokenUse(alpha.id, '2030-03-01T00:00:00.000Z', '10.0.0.1');
      expect(await store.getToken(jane, alpha.id)).toMatchObject({ last_used_at: '2030-03-01T00:00:00.000Z', last_used_ip: '10.0.0.1' });
      expect((await store.listTokens(jane, 1, 10)).items.map((t) => t.alias)).toEqual(['Alpha 2', 'Alpha']);
      expect(await store.deleteToken(john, alpha.id)).toBe(false);
      expect(await store.deleteToken(jane, alpha.id)).toBe(true);
      expect(await store.findTokenByDigest(alpha.token_digest)).toBeUndefined();
      await store.close();
    });

    it('tokens: 50 concurrent distinct add-realms leave 50, 50 identical leave 1; removal is idempotent; 20 concurrent creates with one alias give 1', async () => {
      const store = await fresh();
      const t = (await store.createToken(token(jane), ['Realms'])) as TokenRecord;
      const realms = Array.from({ length: 50 }, (_, i) => `6670${i.toString(16).padStart(20, '0')}`);
      await Promise.all(realms.map((realm) => store.addTokenRealm(jane, t.id, realm, T0)));
      const distinct = (await store.getToken(jane, t.id))!.realm_ids;
      await Promise.all(Array.from({ length: 50 }, () => store.addTokenRealm(jane, t.id, realms[0], T0)));
      const afterSame = (await store.getToken(jane, t.id))!.realm_ids;
      const u = (await store.createToken(token(jane), ['Same'])) as TokenRecord;
      await Promise.all(Array.from({ length: 50 }, () => store.addTokenRealm(jane, u.id, realms[1], T0)));
      const identical = (await store.getToken(jane, u.id))!.realm_ids;
      const creates = await Promise.all(Array.from({ length: 20 }, () => store.createToken(token(jane), ['Contended'])));
      const created = creates.filter((r) => typeof r !== 'string').length;
      console.log(`[${name}] realm races: 50 distinct -> ${distinct.length}, 50 identical -> ${identical.length}; alias race: ${created} created of 20`);
      expect(new Set(distinct)).toEqual(new Set(realms));
      expect(afterSame).toHaveLength(50);
      expect(identical).toEqual([realms[1]]);
      expect(created).toBe(1);
      await Promise.all(realms.slice(0, 25).map((realm) => store.removeTokenRealm(jane, t.id, realm, T0)));
      expect(((await store.removeTokenRealm(jane, t.id, realms[0], T0)) as TokenRecord).realm_ids).toHaveLength(25);
      expect(await store.addTokenRealm(john, t.id, realms[0], T0)).toBeUndefined();
      await store.close();
    });

    it('tokens: with keepOne, 10 concurrent removals of every realm leave exactly one, and the rest answer LAST_REALM', async () => {
      const store = await fresh();
      const realms = Array.from({ length: 10 }, (_, i) => `507f1f77bcf86cd7994390${String(i).padStart(2, '0')}`);
      const t = (await store.createToken(token(jane, { realm_ids: realms }), ['Kept'])) as TokenRecord;
      const results = await Promise.all(realms.map((realm) => store.removeTokenRealm(jane, t.id, realm, T0, { keepOne: true })));
      const refused = results.filter((result) => result === 'LAST_REALM').length;
      const left = (await store.getToken(jane, t.id))!.realm_ids;
      console.log(`[${name}] keepOne race: 10 concurrent removals -> ${left.length} realm left, ${refused} refused`);
      expect([left.length, refused]).toEqual([1, 1]);
      expect(await store.removeTokenRealm(jane, t.id, realms[0] === left[0] ? realms[1] : realms[0], T0, { keepOne: true })).toMatchObject({ realm_ids: left });
      await store.close();
    });

    it('realm usage counts projects, containers, servers and token bindings per realm', async () => {
      const store = await fresh();
      await store.createToken(token(john, { realm_ids: ['507f1f77bcf86cd799439012', '507f1f77bcf86cd799439099'] }), ['Bound']);
      const usage = await store.realmUsage(john);
      expect(Object.fromEntries(usage)).toEqual({
        '507f1f77bcf86cd799439012': { projects: 1, containers: 1, servers: 1, auth_tokens: 1 },
        '507f1f77bcf86cd799439013': { projects: 1, containers: 0, servers: 0, auth_tokens: 0 },
        '507f1f77bcf86cd799439099': { projects: 0, containers: 0, servers: 0, auth_tokens: 1 },
      });
      expect((await store.realmUsage(jane)).size).toBe(0);
      await store.close();
    });
  });
}
