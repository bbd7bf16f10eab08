/** The store contract, vault: writes, realms, usage and the quota under concurrency. */
import { expect, it } from 'vitest';
import { BYTE_ORDERED_KEYS, jane, john, listMixedCaseKeys, MIB, T0, entry, type FreshStore } from './fixtures.js';
import { REALM } from '../../support/sample-calls.js';

export function vaultContract(name: string, fresh: FreshStore) {
  it('vault: 201 then 200, realms apart, usage follows writes, deletes and clears', async () => {
    const store = await fresh();
    const created = await store.setVault({ ...entry(jane, 'k', 10), metadata: { a: 1 } }, 100);
    expect(created).toMatchObject({ created: true, entry: { key: 'k', size_bytes: 10, metadata: { a: 1 } } });
    const updated = await store.setVault({ ...entry(jane, 'k', 20), created_at: '2031-01-01T00:00:00.000Z' }, 100);
    expect(updated).toMatchObject({ created: false, entry: { size_bytes: 20, created_at: T0, metadata: null } });
    await store.setVault(entry(jane, 'k', 30, REALM), 100);
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
    expect(await store.clearVault(jane, REALM)).toBe(1);
    expect(await store.vaultUsage(jane, '')).toEqual({ realmKeys: 1, realmBytes: 5, totalBytes: 5 });
  });

  it('vault: keys list in byte order, uppercase before lowercase, page after page', async () => {
    expect(await listMixedCaseKeys(await fresh())).toEqual(BYTE_ORDERED_KEYS);
  });

  it('vault: with 40 MB used, 20 concurrent 1 MB writes give exactly 10 successes, and usage is the sum of sizes', async () => {
    const store = await fresh();
    const limit = 50 * MIB;
    await store.setVault(entry(jane, 'base', 40 * MIB), limit);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setVault(entry(jane, `k${i}`, MIB, i % 2 ? REALM : ''), limit)));
    const ok = results.filter((r) => r !== 'VAULT_LIMIT_EXCEEDED').length;
    const usage = await store.vaultUsage(jane, '');
    const inRealm = await store.vaultUsage(jane, REALM);
    console.log(`[${name}] vault quota race: ${ok} stored, ${20 - ok} refused; usage ${usage.totalBytes} = ${usage.realmBytes + inRealm.realmBytes}`);
    expect(ok).toBe(10);
    expect(usage.totalBytes).toBe(limit);
    expect(usage.realmBytes + inRealm.realmBytes).toBe(usage.totalBytes);
  });
}
