/** Vault entries in the in-memory store, with each user's byte total kept beside them for the limit check. */
import type { VaultRecord } from '../types.js';
import { copy, paginate } from './records.js';

const vaultId = (userId: string, realmId: string, key: string) => `${userId}\u0000${realmId}\u0000${key}`;

export class MemoryVault {
  private vault = new Map<string, VaultRecord>();
  private vaultTotals = new Map<string, number>();

  async listVault(userId: string, realmId: string, page: number, limit: number) {
    const entries = [...this.vault.values()].filter((e) => e.user_id === userId && e.realm_id === realmId).sort((a, b) => (a.key < b.key ? -1 : 1));
    return paginate(entries, page, limit);
  }

  async getVault(userId: string, realmId: string, key: string) {
    return this.vault.get(vaultId(userId, realmId, key));
  }

  async setVault(entry: VaultRecord, limitBytes: number) {
    const id = vaultId(entry.user_id, entry.realm_id, entry.key);
    const previous = this.vault.get(id);
    const total = this.vaultTotals.get(entry.user_id) ?? 0;
    const nextTotal = total - (previous?.size_bytes ?? 0) + entry.size_bytes;
    if (nextTotal > limitBytes) return 'VAULT_LIMIT_EXCEEDED' as const;
    const stored = copy({ ...entry, created_at: previous?.created_at ?? entry.created_at });
    this.vault.set(id, stored);
    this.vaultTotals.set(entry.user_id, nextTotal);
    return { entry: stored, created: !previous };
  }

  async deleteVault(userId: string, realmId: string, key: string) {
    const id = vaultId(userId, realmId, key);
    const entry = this.vault.get(id);
    if (!entry) return false;
    this.vault.delete(id);
    this.vaultTotals.set(userId, (this.vaultTotals.get(userId) ?? 0) - entry.size_bytes);
    return true;
  }

  async clearVault(userId: string, realmId: string) {
    let count = 0;
    for (const [id, entry] of this.vault) {
      if (entry.user_id !== userId || entry.realm_id !== realmId) continue;
      this.vault.delete(id);
      this.vaultTotals.set(userId, (this.vaultTotals.get(userId) ?? 0) - entry.size_bytes);
      count += 1;
    }
    return count;
  }

  async vaultUsage(userId: string, realmId: string) {
    const realm = [...this.vault.values()].filter((e) => e.user_id === userId && e.realm_id === realmId);
    return { realmKeys: realm.length, realmBytes: realm.reduce((sum, e) => sum + e.size_bytes, 0), totalBytes: this.vaultTotals.get(userId) ?? 0 };
  }
}
