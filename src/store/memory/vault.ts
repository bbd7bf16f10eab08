/**
 * Vault entries in the in-memory store, kept per (user, realm) so that listing, clearing and counting a realm read
 * that realm's entries only, not every user's; each user's byte total is kept beside them for the limit check.
 */
import type { VaultRecord } from '../types.js';
import { copy, paginate } from './records.js';

const realmOf = (userId: string, realmId: string) => `${userId}\u0000${realmId}`;
/** Byte order, as PostgreSQL lists them (`COLLATE "C"`, migration 012): keys are ASCII. */
const byKey = (a: VaultRecord, b: VaultRecord) => (a.key < b.key ? -1 : 1);

export class MemoryVault {
  private realms = new Map<string, Map<string, VaultRecord>>();
  private vaultTotals = new Map<string, number>();

  private realm(userId: string, realmId: string): ReadonlyMap<string, VaultRecord> {
    return this.realms.get(realmOf(userId, realmId)) ?? new Map();
  }

  async listVault(userId: string, realmId: string, page: number, limit: number) {
    return paginate([...this.realm(userId, realmId).values()].sort(byKey), page, limit);
  }

  async getVault(userId: string, realmId: string, key: string) {
    return this.realm(userId, realmId).get(key);
  }

  async setVault(entry: VaultRecord, limitBytes: number) {
    const id = realmOf(entry.user_id, entry.realm_id);
    const realm = this.realms.get(id) ?? new Map<string, VaultRecord>();
    const previous = realm.get(entry.key);
    const total = this.vaultTotals.get(entry.user_id) ?? 0;
    const nextTotal = total - (previous?.size_bytes ?? 0) + entry.size_bytes;
    if (nextTotal > limitBytes) return 'VAULT_LIMIT_EXCEEDED' as const;
    const stored = copy({ ...entry, created_at: previous?.created_at ?? entry.created_at });
    this.realms.set(id, realm.set(entry.key, stored));
    this.vaultTotals.set(entry.user_id, nextTotal);
    return { entry: stored, created: !previous };
  }

  async deleteVault(userId: string, realmId: string, key: string) {
    const realm = this.realms.get(realmOf(userId, realmId));
    const entry = realm?.get(key);
    if (!entry) return false;
    realm!.delete(key);
    if (realm!.size === 0) this.realms.delete(realmOf(userId, realmId));
    this.vaultTotals.set(userId, (this.vaultTotals.get(userId) ?? 0) - entry.size_bytes);
    return true;
  }

  async clearVault(userId: string, realmId: string) {
    const { realmKeys, realmBytes } = await this.vaultUsage(userId, realmId);
    this.realms.delete(realmOf(userId, realmId));
    this.vaultTotals.set(userId, (this.vaultTotals.get(userId) ?? 0) - realmBytes);
    return realmKeys;
  }

  async vaultUsage(userId: string, realmId: string) {
    const realm = this.realm(userId, realmId);
    let realmBytes = 0;
    for (const entry of realm.values()) realmBytes += entry.size_bytes;
    return { realmKeys: realm.size, realmBytes, totalBytes: this.vaultTotals.get(userId) ?? 0 };
  }
}
