/** What every concern of the store contract shares: demo user ids, a fixed clock, and record builders. */
import { DEMO_USERS } from '../../../src/store/demo-data.js';
import type { Store, TokenRecord, VaultRecord } from '../../../src/store/types.js';

/** A fresh store seeded with the demo data; the contract closes it after the test. */
export type FreshStore = () => Promise<Store>;

export const jane = DEMO_USERS.jane_roe.id;
export const john = DEMO_USERS.john_doe.id;
export const MIB = 1_048_576;
export const T0 = '2030-01-01T00:00:00.000Z';
let counter = 0;
export const id = () => `6660${(counter++).toString(16).padStart(20, '0')}`;

export function token(userId: string, fields: Partial<TokenRecord> = {}): Omit<TokenRecord, 'alias'> {
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

export function entry(userId: string, key: string, size: number, realmId = ''): VaultRecord {
  return { user_id: userId, realm_id: realmId, key, value: 'x'.repeat(size), metadata: null, size_bytes: size, created_at: T0, updated_at: T0 };
}

/**
 * Vault keys that a case-folding collation (en_US, ICU) orders differently from byte order, which vault.list
 * promises on every store and database: written in this order, listed in BYTE_ORDERED_KEYS' order.
 */
export const MIXED_CASE_KEYS = ['b', 'B', '_c', 'a', 'A', '-d', '.e', '0', 'Z9', 'z'];
export const BYTE_ORDERED_KEYS = ['-d', '.e', '0', 'A', 'B', 'Z9', '_c', 'a', 'b', 'z'];

/** Writes MIXED_CASE_KEYS to jane's default realm and lists them, three to a page, every page. */
export async function listMixedCaseKeys(store: Store): Promise<string[]> {
  for (const key of MIXED_CASE_KEYS) await store.setVault(entry(jane, key, 1), 1000);
  const keys: string[] = [];
  for (let page = 1; page <= 4; page += 1) keys.push(...(await store.listVault(jane, '', page, 3)).items.map((e) => e.key));
  return keys;
}
