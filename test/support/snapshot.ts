/**
 * A user's state as a string, for asserting that a refused or hostile request changed nothing. Activity and token
 * last-use are left out: they record the request itself.
 */
import type { Store } from '../../src/store/types.js';
import { REALM } from './sample-calls.js';

export async function userStateSnapshot(store: Store, userId: string): Promise<string> {
  const tokens = (await store.listTokens(userId, 1, 100)).items.map(({ last_used_at: _a, last_used_ip: _b, ...rest }) => rest);
  return JSON.stringify([
    await store.getUser(userId),
    tokens,
    (await store.listVault(userId, '', 1, 100)).items,
    (await store.listVault(userId, REALM, 1, 100)).items,
    await store.vaultUsage(userId, ''),
    [...(await store.realmUsage(userId)).entries()],
  ]);
}
