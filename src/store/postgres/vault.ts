/**
 * The vault on PostgreSQL. Every write is one function call (migrations 003 and 007) that locks the user's
 * `vault_usage` row first, then the entries, so every vault write takes its locks in the same order. One user's
 * writes queue in this process and their sets go in batches (vault-write-queue.ts says why).
 */
import type { Store, VaultRecord } from '../types.js';
import type { PgConnection } from './connection.js';
import { toVault } from './rows.js';
import { VaultWriteQueue } from './vault-write-queue.js';

type VaultSet = { entry: VaultRecord; limitBytes: number };
type VaultSetResult = Awaited<ReturnType<Store['setVault']>>;

export class PgVault {
  /** One call per user at a time; sets that queue meanwhile go in one batch. */
  private readonly writes = new VaultWriteQueue<VaultSet, VaultSetResult>({
    writeSets: (userId, sets) => this.writeSets(userId, sets),
    maxBatch: 64,
    maxQueued: 1_000,
  });

  constructor(private readonly db: PgConnection) {}

  async listVault(userId: string, realmId: string, page: number, limit: number) {
    // One statement: the page, and the total from the realm's counter (migration 006) in the same snapshot. An empty
    // page still answers one row, carrying the total.
    const { rows } = await this.db.read(
      `SELECT counted.total, entry.* FROM (SELECT coalesce(max(keys), 0) AS total FROM vault_realm_usage WHERE user_id = $1 AND realm_id = $2) counted
       LEFT JOIN LATERAL (SELECT * FROM vault_entries WHERE user_id = $1 AND realm_id = $2 ORDER BY key LIMIT $3 OFFSET $4) entry ON true
       ORDER BY entry.key`,
      [userId, realmId, limit, (page - 1) * limit],
    );
    return { items: rows.filter((row) => row.key !== null).map(toVault), total: Number(rows[0].total) };
  }

  async getVault(userId: string, realmId: string, key: string) {
    const { rows } = await this.db.read('SELECT * FROM vault_entries WHERE user_id = $1 AND realm_id = $2 AND key = $3', [userId, realmId, key]);
    return rows[0] && toVault(rows[0]);
  }

  setVault(entry: VaultRecord, limitBytes: number) {
    return this.writes.set(entry.user_id, { entry, limitBytes });
  }

  /** One user's sets in order, in one statement and one commit (migration 007); one result per set. */
  private async writeSets(userId: string, sets: VaultSet[]): Promise<VaultSetResult[]> {
    const column = <T>(pick: (entry: VaultRecord) => T) => sets.map(({ entry }) => pick(entry));
    const { rows } = await this.db.query('SELECT * FROM vault_set_many($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      userId,
      column((entry) => entry.realm_id),
      column((entry) => entry.key),
      column((entry) => entry.value),
      column((entry) => (entry.metadata === null ? null : JSON.stringify(entry.metadata))),
      column((entry) => entry.size_bytes),
      column((entry) => entry.created_at),
      column((entry) => entry.updated_at),
      sets.map((set) => set.limitBytes),
    ]);
    const results: VaultSetResult[] = new Array(sets.length);
    for (const row of rows)
      results[row.ordinal - 1] = row.outcome === 'limit' ? 'VAULT_LIMIT_EXCEEDED' : { entry: toVault(row), created: row.outcome === 'created' };
    return results;
  }

  async deleteVault(userId: string, realmId: string, key: string) {
    return this.writes.alone(
      userId,
      async () => Number((await this.db.query('SELECT vault_delete($1, $2, $3) AS deleted', [userId, realmId, key])).rows[0].deleted) === 1,
    );
  }

  async clearVault(userId: string, realmId: string) {
    return this.writes.alone(userId, async () =>
      Number((await this.db.query('SELECT vault_delete($1, $2, NULL) AS deleted', [userId, realmId])).rows[0].deleted),
    );
  }

  async vaultUsage(userId: string, realmId: string) {
    // Constant time: the realm's counters (migration 006) and the user's total, each one row.
    const { rows } = await this.db.query(
      `SELECT (SELECT coalesce(max(keys), 0) FROM vault_realm_usage WHERE user_id = $1 AND realm_id = $2) AS keys,
              (SELECT coalesce(max(bytes), 0) FROM vault_realm_usage WHERE user_id = $1 AND realm_id = $2) AS bytes,
              (SELECT coalesce(max(total_bytes), 0) FROM vault_usage WHERE user_id = $1) AS total`,
      [userId, realmId],
    );
    return { realmKeys: Number(rows[0].keys), realmBytes: Number(rows[0].bytes), totalBytes: Number(rows[0].total) };
  }
}
