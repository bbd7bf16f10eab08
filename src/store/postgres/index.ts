/**
 * The Store on PostgreSQL (node-postgres). Every operation the interface calls atomic is one SQL statement or one
 * transaction holding a row lock, never a read-modify-write across an await in JavaScript:
 * - realm add/remove: one UPDATE whose WHERE re-checks membership after the row lock;
 * - vault writes: one function call (migrations 003, 007) that locks the user's vault_usage row first, then the
 *   entries, so every vault write takes its locks in the same order; one user's writes queue in this process and
 *   their sets go in batches (vault-write-queue.ts);
 * - alias and public-key uniqueness: unique constraints, mapped to the conflict codes;
 * - provisioning: a primary key on the user's provisioning row;
 * - OTP replay: one conditional UPDATE of the last accepted step.
 * A lost connection surfaces as StoreUnavailableError (503); the failed statement or transaction changed nothing.
 * Authentication lookups (users by id, tokens by digest) are served from a cache kept fresh by NOTIFY
 * (principal-cache.ts); activity and a token's last use are group-committed (group-commit.ts); activity counts come
 * from rollups kept by triggers (migration 004, activity-sql.ts).
 */
import type pg from 'pg';
import type {
  ActivityFilter,
  ActivityRecord,
  Page,
  Provisioning,
  RealmUsage,
  SeedData,
  Store,
  TokenChanges,
  TokenConflict,
  TokenRecord,
  UserChanges,
  UserRecord,
  VaultRecord,
} from '../types.js';
import { PgConnection, type PostgresStoreOptions } from './connection.js';
import { ACTIVITY_COLUMNS, ACTIVITY_INSERT, activityBytes, activityMatcher, activityPageStatement, activityStatsStatement } from './activity-sql.js';
import { narrowWindowHolds, pageWithUnwritten } from './unwritten-activity.js';
import { ChangeListener } from './change-listener.js';
import type { DatabaseCapacity } from './connection-budget.js';
import { GroupCommit } from './group-commit.js';
import { PrincipalCache } from './principal-cache.js';
import { iso, toActivity, toContainer, toProject, toServer, toToken, toUser, toVault } from './rows.js';
import { VaultWriteQueue } from './vault-write-queue.js';

export type { PostgresStoreOptions };
/** Any constant shared by every process of this app (the migrations use another). */
const SEED_LOCK_KEY = 7_301_995;
type VaultSet = { entry: VaultRecord; limitBytes: number };
type VaultSetResult = Awaited<ReturnType<Store['setVault']>>;
const TOKEN_COLUMNS =
  'id, user_id, alias, token_digest, public_key, public_storage, ip_whitelist, realm_ids, allow_no_realm, permissions, expires_at, is_enabled, vault_access, event_access, last_used_at, last_used_ip, created_at, updated_at';

function conflictOf(failure: unknown): TokenConflict | undefined {
  const error = failure as { code?: string; constraint?: string };
  if (error?.code !== '23505') return undefined;
  if (error.constraint === 'auth_tokens_alias_unique') return 'DUPLICATE_ALIAS';
  if (error.constraint === 'auth_tokens_public_key_unique') return 'PUBLIC_KEY_IN_USE';
  return undefined;
}

/**
 * Inserts servers, projects and containers, for provisioning and for seeding alike. An id that exists is left as it
 * is: provisioning reaches here only once per user (its own primary key decides), and seeding may run again.
 */
async function insertResources(client: pg.PoolClient, resources: Pick<SeedData, 'servers' | 'projects' | 'containers'>) {
  for (const s of resources.servers ?? []) {
    await client.query('INSERT INTO servers VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING', [
      s.id,
      s.user_id,
      s.name,
      s.region,
      s.tier,
      s.status,
      s.realm_id,
      s.created_at,
    ]);
  }
  for (const p of resources.projects ?? []) {
    await client.query('INSERT INTO projects VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
      p.id,
      p.user_id,
      p.name,
      p.is_default,
      p.realm_id,
      p.created_at,
    ]);
  }
  for (const c of resources.containers ?? []) {
    await client.query('INSERT INTO containers VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING', [
      c.id,
      c.user_id,
      c.name,
      c.project_id,
      c.server_id,
      c.realm_id,
      c.status,
      c.created_at,
    ]);
  }
}

/** Long enough for two tries past the default lock timeout, short of an orchestrator's usual 30 s stop grace. */
const DEFAULT_CLOSE_WRITE_MS = 12_000;

export class PostgresStore implements Store {
  readonly quotaCountsCostARoundTrip = true;

  /** Users by id and API tokens by digest, for authentication (principal-cache.ts says how fresh they are). */
  private readonly users = new PrincipalCache<UserRecord>();
  private readonly tokens = new PrincipalCache<TokenRecord>();
  private readonly changes: ChangeListener;

  private constructor(
    private readonly db: PgConnection,
    /** How long close() keeps trying to write what is queued when the database refuses it. */
    private readonly closeWriteMs: number,
  ) {
    this.changes = new ChangeListener(db.clientConfig, {
      up: () => [this.users, this.tokens].forEach((cache) => cache.setLive(true)),
      down: () => [this.users, this.tokens].forEach((cache) => cache.setLive(false)),
      message: (payload) => {
        if (payload.startsWith('user:')) this.users.forget(payload.slice(5));
        else if (payload.startsWith('token:')) this.tokens.forget(payload.slice(6));
      },
    });
  }

  /** Connects, checks the database answers, and applies pending migrations; fails fast when it cannot. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(await PgConnection.open(options), options.closeWriteMs ?? DEFAULT_CLOSE_WRITE_MS);
    await store.changes.start();
    return store;
  }

  /** Statements sent so far (round trips): read by the bench and the round-trip test. */
  get statements(): number {
    return this.db.statements;
  }

  /** The main pool, for tools that load data in bulk (the benchmark). */
  get pool(): pg.Pool {
    return this.db.pool;
  }

  /** How many connections the database accepts from this role, read at start (connection-budget.ts). */
  get databaseCapacity(): DatabaseCapacity {
    return this.db.capacity;
  }

  /** The most connections this process opens (`DATABASE_MAX_CONNECTIONS`, or the default). */
  get maxConnections(): number {
    return this.db.maxConnections;
  }

  /** The pool of the prepared reads (connection.ts), which the prepared-statement test inspects. */
  get readPool(): pg.Pool {
    return this.db.readPool;
  }

  private query<R extends pg.QueryResultRow = any>(text: string, values: unknown[] = [], pool = this.db.pool) {
    return this.db.query<R>(text, values, pool);
  }

  /** A read a request waits on, as a prepared statement on the read pool (connection.ts says when that pays). */
  private read<R extends pg.QueryResultRow = any>(text: string, values: unknown[]) {
    return this.db.query<R>(text, values, this.db.readPool, { prepared: true });
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>) {
    return this.db.transaction(work);
  }

  /** One call per user at a time; sets that queue meanwhile go in one batch (vault-write-queue.ts says why). */
  private readonly vaultWrites = new VaultWriteQueue<VaultSet, VaultSetResult>({
    writeSets: (userId, sets) => this.writeVaultSets(userId, sets),
    maxBatch: 64,
    maxQueued: 1_000,
  });

  async getUser(id: string) {
    return this.users.read(id, async () => {
      const { rows } = await this.query('SELECT * FROM users WHERE id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    });
  }

  async updateUser(id: string, changes: UserChanges, now: string, guard: { expectedPasswordHash?: string } = {}) {
    try {
      return await this.updateUserRow(id, changes, now, guard);
    } finally {
      this.users.forget(id);
    }
  }

  private async updateUserRow(id: string, changes: UserChanges, now: string, guard: { expectedPasswordHash?: string }) {
    const columns = Object.keys(changes) as (keyof UserChanges)[];
    const sets = columns.map((column, i) => `${column} = $${i + 4}`);
    const values = columns.map((column) => (column === 'metadata' ? JSON.stringify(changes[column]) : changes[column]));
    try {
      const { rows } = await this.query(
        `UPDATE users SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE id = $1 AND ($2::text IS NULL OR password_hash = $2) RETURNING *`,
        [id, guard.expectedPasswordHash ?? null, now, ...values],
      );
      if (rows[0]) return toUser(rows[0]);
    } catch (failure) {
      if ((failure as { constraint?: string }).constraint === 'users_admin_not_banned') return 'CANNOT_BAN_ADMIN' as const;
      throw failure;
    }
    return (await this.getUser(id)) ? ('PASSWORD_CHANGED' as const) : undefined;
  }

  async consumeOtpStep(userId: string, step: number) {
    const { rowCount } = await this.query('UPDATE users SET otp_last_step = $2 WHERE id = $1 AND (otp_last_step IS NULL OR otp_last_step < $2)', [
      userId,
      step,
    ]);
    return rowCount === 1;
  }

  async provision(userId: string, create: Provisioning) {
    return this.transaction(async (client) => {
      const claimed = await client.query(
        'INSERT INTO provisioning (user_id, server_id, project_id, container_id) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING',
        [userId, create.server.id, create.project.id, create.container.id],
      );
      if (claimed.rowCount === 1) {
        await insertResources(client, { servers: [create.server], projects: [create.project], containers: [create.container] });
        return { provisioning: create, created: true };
      }
      const { rows } = await client.query('SELECT server_id, project_id, container_id FROM provisioning WHERE user_id = $1', [userId]);
      // One connection runs one query at a time.
      const server = await client.query('SELECT * FROM servers WHERE id = $1', [rows[0].server_id]);
      const project = await client.query('SELECT * FROM projects WHERE id = $1', [rows[0].project_id]);
      const container = await client.query('SELECT * FROM containers WHERE id = $1', [rows[0].container_id]);
      return {
        provisioning: { server: toServer(server.rows[0]), project: toProject(project.rows[0]), container: toContainer(container.rows[0]) },
        created: false,
      };
    });
  }

  /** Group commit (group-commit.ts says what it keeps and what a crash can lose), through the non-waiting connections. */
  private readonly activity = new GroupCommit<ActivityRecord>((batch) =>
    this.query(
      ACTIVITY_INSERT,
      ACTIVITY_COLUMNS.map((column) => batch.map((record) => record[column])),
      this.db.activityPool,
    ),
  );

  /** A token's last use: only the latest per token is written, and never over a later one. */
  private readonly tokenUses = new GroupCommit<{ id: string; at: string; ip: string }>((batch) => {
    const latest = new Map(batch.map((use) => [use.id, use]));
    const uses = [...latest.values()];
    return this.query(
      `UPDATE auth_tokens AS t SET last_used_at = u.at, last_used_ip = u.ip
       FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS u(id, at, ip)
       WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at <= u.at)`,
      [uses.map((use) => use.id), uses.map((use) => use.at), uses.map((use) => use.ip)],
      this.db.activityPool,
    );
  });

  /** Before a read that answers `last_used_*`: the uses of that token (or of any) this process has queued. */
  private async tokenUsesWritten(id?: string) {
    await this.tokenUses.written((use) => id === undefined || use.id === id);
  }

  async appendActivity(e: ActivityRecord) {
    this.activity.add(e);
  }

  /**
   * One statement: the page, and its exact total from the day, hour and minute rollups (activity-sql.ts). The user's
   * records this process holds unwritten are not written first: the statement tells which of their batches its
   * snapshot holds and moves the page up by the records of the others, which are put in their places
   * (unwritten-activity.ts).
   */
  async listActivity(userId: string, filter: ActivityFilter, page: number, limit: number): Promise<Page<ActivityRecord>> {
    const groups = this.heldActivity(userId, filter);
    const offset = (page - 1) * limit;
    const readWindow = async (window: 'narrow' | 'wide') => {
      const { text, values } = activityPageStatement(userId, filter, offset, limit, groups, window);
      const { rows } = await this.read(text, values);
      const stored = rows.filter((row) => row.id !== null).map(toActivity);
      const unwritten = groups.filter((_, i) => !rows[0][`written_${i}`]).flatMap((group) => group.matching);
      return { stored, storedTotal: Number(rows[0].total), unwritten };
    };
    const narrow = await readWindow('narrow');
    if (groups.length === 0) return { items: narrow.stored, total: narrow.storedTotal };
    // Records older than the rows the page needs from the window (another process's clock, or its records written
    // meanwhile) need the rows through the page's end: a second statement, which looks for the batches again.
    const holds = narrowWindowHolds(narrow.stored, narrow.unwritten, offset, limit);
    const { stored, storedTotal, unwritten } = holds ? narrow : await readWindow('wide');
    return pageWithUnwritten(stored, storedTotal, unwritten, offset, limit);
  }

  /**
   * One statement, like a page: the user's records this process holds unwritten are not written first; those of the
   * batches the statement's snapshot lacks are added, their bytes counted as the database counts a stored row's
   * (`activityBytes`), so none of them is sent.
   */
  async activityStats(userId: string, since: string) {
    const groups = this.heldActivity(userId, { since });
    const { text, values } = activityStatsStatement(userId, since, groups);
    const { rows } = await this.read(text, values);
    const row = rows[0];
    const stats = { totalRecords: Number(row.records), totalSizeBytes: Number(row.bytes), oldest: iso(row.oldest), newest: iso(row.newest) };
    groups.forEach((group, i) => {
      if (row[`written_${i}`]) return;
      stats.totalRecords += group.matching.length;
      for (const record of group.matching) {
        stats.totalSizeBytes += activityBytes(record);
        if (stats.oldest === null || record.created_at < stats.oldest) stats.oldest = record.created_at;
        if (stats.newest === null || record.created_at > stats.newest) stats.newest = record.created_at;
      }
    });
    return stats;
  }

  /** The user's records `filter` selects that this process holds and the database may not have (GroupCommit.unwritten). */
  private heldActivity(userId: string, filter: ActivityFilter) {
    const matches = activityMatcher(filter);
    return this.activity.unwritten((record) => record.user_id === userId && matches(record));
  }

  /** Writes every activity record this process holds (for tests and tools that read the tables themselves). */
  async writeHeldActivity() {
    await this.activity.flush();
  }

  async purgeActivity(before: string, batchSize: number) {
    await this.activity.flush();
    // The users with expired rows come from the day rollups; each user's rows are then found through its time index.
    const { rowCount } = await this.query(
      `DELETE FROM activity WHERE id IN (
         SELECT a.id FROM activity a
         WHERE a.user_id IN (SELECT DISTINCT user_id FROM activity_by_day WHERE bucket <= activity_bucket($1::timestamptz, 86400))
           AND a.created_at < $1
         LIMIT $2)`,
      [before, batchSize],
    );
    return rowCount ?? 0;
  }

  async listVault(userId: string, realmId: string, page: number, limit: number) {
    const [items, count] = await Promise.all([
      this.read('SELECT * FROM vault_entries WHERE user_id = $1 AND realm_id = $2 ORDER BY key LIMIT $3 OFFSET $4', [
        userId,
        realmId,
        limit,
        (page - 1) * limit,
      ]),
      this.read<{ total: string }>('SELECT count(*) AS total FROM vault_entries WHERE user_id = $1 AND realm_id = $2', [userId, realmId]),
    ]);
    return { items: items.rows.map(toVault), total: Number(count.rows[0].total) };
  }

  async getVault(userId: string, realmId: string, key: string) {
    const { rows } = await this.read('SELECT * FROM vault_entries WHERE user_id = $1 AND realm_id = $2 AND key = $3', [userId, realmId, key]);
    return rows[0] && toVault(rows[0]);
  }

  setVault(entry: VaultRecord, limitBytes: number) {
    return this.vaultWrites.set(entry.user_id, { entry, limitBytes });
  }

  /** One user's sets in order, in one statement and one commit (migration 007); one result per set. */
  private async writeVaultSets(userId: string, sets: VaultSet[]): Promise<VaultSetResult[]> {
    const column = <T>(pick: (entry: VaultRecord) => T) => sets.map(({ entry }) => pick(entry));
    const { rows } = await this.query('SELECT * FROM vault_set_many($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
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
    return this.vaultWrites.alone(
      userId,
      async () => Number((await this.query('SELECT vault_delete($1, $2, $3) AS deleted', [userId, realmId, key])).rows[0].deleted) === 1,
    );
  }

  async clearVault(userId: string, realmId: string) {
    return this.vaultWrites.alone(userId, async () =>
      Number((await this.query('SELECT vault_delete($1, $2, NULL) AS deleted', [userId, realmId])).rows[0].deleted),
    );
  }

  async vaultUsage(userId: string, realmId: string) {
    // Constant time: the realm's counters (migration 006) and the user's total, each one row.
    const { rows } = await this.query(
      `SELECT (SELECT coalesce(max(keys), 0) FROM vault_realm_usage WHERE user_id = $1 AND realm_id = $2) AS keys,
              (SELECT coalesce(max(bytes), 0) FROM vault_realm_usage WHERE user_id = $1 AND realm_id = $2) AS bytes,
              (SELECT coalesce(max(total_bytes), 0) FROM vault_usage WHERE user_id = $1) AS total`,
      [userId, realmId],
    );
    return { realmKeys: Number(rows[0].keys), realmBytes: Number(rows[0].bytes), totalBytes: Number(rows[0].total) };
  }

  async realmUsage(userId: string) {
    const { rows } = await this.query<{ realm_id: string; kind: keyof RealmUsage; n: string }>(
      `SELECT realm_id, kind, count(*) AS n FROM (
         SELECT realm_id, 'projects' AS kind FROM projects WHERE user_id = $1
         UNION ALL SELECT realm_id, 'containers' FROM containers WHERE user_id = $1
         UNION ALL SELECT realm_id, 'servers' FROM servers WHERE user_id = $1
         UNION ALL SELECT unnest(realm_ids), 'auth_tokens' FROM auth_tokens WHERE user_id = $1
       ) owned WHERE realm_id <> '' GROUP BY realm_id, kind`,
      [userId],
    );
    const usage = new Map<string, RealmUsage>();
    for (const row of rows) {
      const entry = usage.get(row.realm_id) ?? { projects: 0, containers: 0, servers: 0, auth_tokens: 0 };
      entry[row.kind] = Number(row.n);
      usage.set(row.realm_id, entry);
    }
    return usage;
  }

  async listTokens(userId: string, page: number, limit: number) {
    await this.tokenUsesWritten();
    const [items, count] = await Promise.all([
      this.query(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE user_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3`, [userId, limit, (page - 1) * limit]),
      this.query<{ total: string }>('SELECT count(*) AS total FROM auth_tokens WHERE user_id = $1', [userId]),
    ]);
    return { items: items.rows.map(toToken), total: Number(count.rows[0].total) };
  }

  async getToken(userId: string, id: string) {
    await this.tokenUsesWritten(id);
    const { rows } = await this.query(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0] && toToken(rows[0]);
  }

  async findTokenByDigest(digest: string) {
    return this.tokens.read(digest, async () => {
      const { rows } = await this.query(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE token_digest = $1`, [digest]);
      return rows[0] && toToken(rows[0]);
    });
  }

  /** After a write to a token: this process forgets it at once (other processes hear the trigger's notification). */
  private written<T>(result: T): T {
    if (result && typeof result === 'object' && 'token_digest' in result) this.tokens.forget(String(result.token_digest));
    return result;
  }

  async findTokenByPublicKey(publicKey: string, now: string) {
    const { rows } = await this.query(
      `SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE public_key = $1 AND is_enabled AND (expires_at IS NULL OR expires_at > $2)`,
      [publicKey, now],
    );
    return rows[0] && toToken(rows[0]);
  }

  async createToken(t: Omit<TokenRecord, 'alias'>, aliasCandidates: string[]) {
    // Each candidate is one INSERT; the unique constraint, not a prior read, decides whether the alias is free.
    for (const alias of aliasCandidates) {
      try {
        const { rows } = await this.query(
          `INSERT INTO auth_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING ${TOKEN_COLUMNS}`,
          [
            t.id,
            t.user_id,
            alias,
            t.token_digest,
            t.public_key,
            t.public_storage === null ? null : JSON.stringify(t.public_storage),
            t.ip_whitelist,
            t.realm_ids,
            t.allow_no_realm,
            JSON.stringify(t.permissions),
            t.expires_at,
            t.is_enabled,
            t.vault_access,
            t.event_access,
            t.last_used_at,
            t.last_used_ip,
            t.created_at,
            t.updated_at,
          ],
        );
        return toToken(rows[0]);
      } catch (failure) {
        const conflict = conflictOf(failure);
        if (conflict === 'DUPLICATE_ALIAS') continue;
        if (conflict) return conflict;
        throw failure;
      }
    }
    return 'DUPLICATE_ALIAS' as const;
  }

  async updateToken(userId: string, id: string, changes: TokenChanges, now: string) {
    await this.tokenUsesWritten(id);
    const columns = Object.keys(changes) as (keyof TokenChanges)[];
    const values = columns.map((column) => {
      const value = changes[column];
      return (column === 'permissions' || column === 'public_storage') && value !== null ? JSON.stringify(value) : value;
    });
    const sets = [...columns.map((column, i) => `${column} = $${i + 4}`), 'updated_at = $3'];
    try {
      const { rows } = await this.query(`UPDATE auth_tokens SET ${sets.join(', ')} WHERE id = $1 AND user_id = $2 RETURNING ${TOKEN_COLUMNS}`, [
        id,
        userId,
        now,
        ...values,
      ]);
      return this.written(rows[0] ? toToken(rows[0]) : undefined);
    } catch (failure) {
      const conflict = conflictOf(failure);
      if (conflict) return conflict;
      throw failure;
    }
  }

  async deleteToken(userId: string, id: string) {
    const { rows } = await this.query<{ token_digest: string }>('DELETE FROM auth_tokens WHERE id = $1 AND user_id = $2 RETURNING token_digest', [id, userId]);
    this.written(rows[0]);
    return rows.length === 1;
  }

  /** One UPDATE changes the list only when it needs to; its WHERE is re-checked after the row lock. */
  private async changeRealms(userId: string, id: string, change: string, condition: string, realmId: string, now: string) {
    await this.tokenUsesWritten(id);
    const { rows } = await this.query(
      `UPDATE auth_tokens SET realm_ids = ${change}, updated_at = $4 WHERE id = $1 AND user_id = $2 AND ${condition} RETURNING ${TOKEN_COLUMNS}`,
      [id, userId, realmId, now],
    );
    return rows[0] ? this.written(toToken(rows[0])) : this.getToken(userId, id);
  }

  async addTokenRealm(userId: string, id: string, realmId: string, now: string) {
    return this.changeRealms(userId, id, 'array_append(realm_ids, $3)', 'NOT ($3 = ANY (realm_ids))', realmId, now);
  }

  async removeTokenRealm(userId: string, id: string, realmId: string, now: string, options: { keepOne?: boolean } = {}) {
    const condition = options.keepOne ? '$3 = ANY (realm_ids) AND cardinality(realm_ids) > 1' : '$3 = ANY (realm_ids)';
    const token = await this.changeRealms(userId, id, 'array_remove(realm_ids, $3)', condition, realmId, now);
    // Not changed: the realm was absent (idempotent), or it was the last one and `keepOne` holds it.
    if (options.keepOne && token && token.realm_ids.length === 1 && token.realm_ids[0] === realmId) return 'LAST_REALM' as const;
    return token;
  }

  /** Usage telemetry like the activity log: group-committed through the same non-waiting connections. */
  async recordTokenUse(id: string, at: string, ip: string) {
    this.tokenUses.add({ id, at, ip });
  }

  /** Counters go through the non-waiting connections: a lost increment after a crash only loosens a quota. */
  async hitRateLimit(key: string, windowStartMs: number, increment: number) {
    if (increment === 0) {
      const { rows } = await this.query<{ count: number }>(
        'SELECT count FROM rate_limit_windows WHERE key = $1 AND window_start = $2',
        [key, windowStartMs],
        this.db.activityPool,
      );
      return rows[0]?.count ?? 0;
    }
    const { rows } = await this.query<{ count: number }>(
      `INSERT INTO rate_limit_windows (key, window_start, count) VALUES ($1, $2, $3)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + EXCLUDED.count RETURNING count`,
      [key, windowStartMs, increment],
      this.db.activityPool,
    );
    return rows[0].count;
  }

  async purgeRateLimits(beforeMs: number) {
    await this.query('DELETE FROM rate_limit_windows WHERE window_start < $1', [beforeMs], this.db.activityPool);
  }

  async seed(data: SeedData) {
    await this.transaction(async (client) => {
      // Processes starting together seed one after the other: two concurrent inserts of one demo user collide on its
      // username, which `ON CONFLICT (id)` does not cover, and the loser failed to start.
      await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      for (const u of data.users) {
        await client.query(
          `INSERT INTO users (id, username, alias, email, public_key, is_admin, is_banned, metadata, password_hash, totp_secret, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
          [
            u.id,
            u.username,
            u.alias,
            u.email,
            u.public_key,
            u.is_admin,
            u.is_banned,
            JSON.stringify(u.metadata),
            u.password_hash,
            u.totp_secret,
            u.created_at,
            u.updated_at,
          ],
        );
      }
      await insertResources(client, data);
    });
    for (const token of data.tokens ?? []) await this.createToken(token, [token.alias]);
    for (const entry of data.vault ?? []) await this.setVault(entry, Number.MAX_SAFE_INTEGER);
  }

  /** One round trip on the pool that writes: a connection to be had, and a database that answers. */
  async ping() {
    await this.query('SELECT 1');
  }

  /**
   * What was accepted is written before the pools go (a drained shutdown loses nothing). A database that refuses the
   * writes meanwhile (a lock held elsewhere, a restart) is tried again for up to `closeWriteMs`; what it never took
   * fails the close with the count, so that the server logs it and exits non-zero instead of losing it in silence.
   */
  async close() {
    const [activity, tokenUses] = await Promise.all([this.activity.drain(this.closeWriteMs), this.tokenUses.drain(this.closeWriteMs)]);
    await Promise.all([this.changes.close(), this.db.close()]);
    const lost = { activity: activity.unwritten + this.activity.dropped, tokenUses: tokenUses.unwritten + this.tokenUses.dropped };
    if (lost.activity + lost.tokenUses > 0) {
      const failure = activity.failure ?? tokenUses.failure;
      throw new Error(
        `not written to the database: ${lost.activity} activity records and ${lost.tokenUses} API token last uses` +
          (failure ? ` (last failure: ${failure instanceof Error ? failure.message : String(failure)})` : ''),
      );
    }
  }
}
