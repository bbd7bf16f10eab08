/** The store contract, tokens: aliases, conflicts, lookups, realm changes under concurrency. */
import { expect, it } from 'vitest';
import type { TokenRecord } from '../../../src/store/types.js';
import { jane, john, T0, token, type FreshStore } from './fixtures.js';

export function tokensContract(name: string, fresh: FreshStore) {
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
  });
}
