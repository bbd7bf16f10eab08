/**
 * Both stores keep each aggregate in its own file (`memory/`, `postgres/`), as an object with the Store's own method
 * names, and answer those methods by calling it. `forwardTo` makes those forwarding methods once for both, typed
 * against the Store: a store assigns them in its constructor and declares them in an interface of its class's name.
 */
import type { Store } from './types.js';

/** The Store's methods on API tokens, and on the vault: an aggregate each in both stores. */
export const TOKEN_METHODS = [
  'listTokens',
  'getToken',
  'findTokenByDigest',
  'findTokenByPublicKey',
  'createToken',
  'updateToken',
  'deleteToken',
  'addTokenRealm',
  'removeTokenRealm',
  'recordTokenUse',
] as const;
export const VAULT_METHODS = ['listVault', 'getVault', 'setVault', 'deleteVault', 'clearVault', 'vaultUsage'] as const;
export type TokenMethod = (typeof TOKEN_METHODS)[number];
export type VaultMethod = (typeof VAULT_METHODS)[number];

/** The methods `names` of the Store, each calling the same-named method of `aggregate`. */
export function forwardTo<K extends keyof Store>(aggregate: Pick<Store, K>, names: readonly K[]): Pick<Store, K> {
  const methods: Partial<Pick<Store, K>> = {};
  for (const name of names) methods[name] = (aggregate[name] as (...args: unknown[]) => unknown).bind(aggregate) as Store[K];
  return methods as Pick<Store, K>;
}
