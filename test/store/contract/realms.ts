/** The store contract, realms: usage per realm. */
import { expect, it } from 'vitest';
import { jane, john, token, type FreshStore } from './fixtures.js';
import { REALM } from '../../support/sample-calls.js';

export function realmsContract(name: string, fresh: FreshStore) {
  it('realm usage counts projects, containers, servers and token bindings per realm', async () => {
    const store = await fresh();
    await store.createToken(token(john, { realm_ids: [REALM, '507f1f77bcf86cd799439099'] }), ['Bound']);
    const usage = await store.realmUsage(john);
    expect(Object.fromEntries(usage)).toEqual({
      [REALM]: { projects: 1, containers: 1, servers: 1, auth_tokens: 1 },
      '507f1f77bcf86cd799439013': { projects: 1, containers: 0, servers: 0, auth_tokens: 0 },
      '507f1f77bcf86cd799439099': { projects: 0, containers: 0, servers: 0, auth_tokens: 1 },
    });
    expect((await store.realmUsage(jane)).size).toBe(0);
  });
}
