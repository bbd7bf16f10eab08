/**
 * The in-memory Store: the embedded default. Every method does its reads and writes synchronously between two
 * awaits, so each is atomic under concurrent requests, as the interface requires. Stored records are deep-frozen
 * copies, replaced (never changed) on update, so reads can hand them out without copying and no caller can change
 * stored state through what it got. Activity is kept by column instead (activity-log.ts), and its reads build the
 * records they answer.
 */
import type {
  ActivityFilter,
  ActivityRecord,
  ContainerRecord,
  Page,
  ProjectRecord,
  Provisioning,
  RealmUsage,
  SeedData,
  ServerRecord,
  Store,
  TokenChanges,
  TokenConflict,
  TokenRecord,
  UserChanges,
  UserRecord,
  VaultRecord,
} from '../types.js';
import { ActivityLog, StringTable } from './activity-log.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
/** An immutable copy of what a caller handed in. */
const copy = <T>(value: T): T => deepFreeze(structuredClone(value));
const paginate = <T>(items: T[], page: number, limit: number): Page<T> => ({ items: items.slice((page - 1) * limit, page * limit), total: items.length });
const vaultId = (userId: string, realmId: string, key: string) => `${userId}\u0000${realmId}\u0000${key}`;

export class MemoryStore implements Store {
  private users = new Map<string, UserRecord>();
  private otpSteps = new Map<string, number>();
  private tokens = new Map<string, TokenRecord>();
  private tokensByDigest = new Map<string, string>();
  /** Per user (activity-log.ts), so a user's listing never scans other users' entries. */
  private activity = new Map<string, ActivityLog>();
  private activityStrings = new StringTable();
  private vault = new Map<string, VaultRecord>();
  private vaultTotals = new Map<string, number>();
  private servers: ServerRecord[] = [];
  private projects: ProjectRecord[] = [];
  private containers: ContainerRecord[] = [];
  private provisioned = new Map<string, Provisioning>();
  /**
   * Quota counters of the current window only: a hit in a newer window drops the older one whole, so the map
   * holds at most the keys seen in one window, and never more than `maxRateLimitKeys` (past it the oldest key of
   * the window is forgotten, which at worst restarts that key's count).
   */
  private rateLimits = new Map<string, number>();
  private rateLimitWindowMs = -Infinity;

  constructor(private readonly maxRateLimitKeys = 100_000) {}

  /** How many quota counters are held (for the memory-bound tests). */
  get rateLimitKeyCount(): number {
    return this.rateLimits.size;
  }

  async getUser(id: string) {
    return this.users.get(id);
  }

  async updateUser(id: string, changes: UserChanges, now: string, guard: { expectedPasswordHash?: string } = {}) {
    const user = this.users.get(id);
    if (!user) return undefined;
    if (guard.expectedPasswordHash !== undefined && user.password_hash !== guard.expectedPasswordHash) return 'PASSWORD_CHANGED' as const;
    const next = copy({ ...user, ...changes, updated_at: now });
    if (next.is_admin && next.is_banned) return 'CANNOT_BAN_ADMIN' as const;
    this.users.set(id, next);
    return next;
  }

  async consumeOtpStep(userId: string, step: number) {
    if ((this.otpSteps.get(userId) ?? -Infinity) >= step) return false;
    this.otpSteps.set(userId, step);
    return true;
  }

  async provision(userId: string, create: Provisioning) {
    const existing = this.provisioned.get(userId);
    if (existing) return { provisioning: existing, created: false };
    const stored = copy(create);
    this.provisioned.set(userId, stored);
    this.servers.push(stored.server);
    this.projects.push(stored.project);
    this.containers.push(stored.container);
    return { provisioning: stored, created: true };
  }

  async appendActivity(entry: ActivityRecord) {
    let log = this.activity.get(entry.user_id);
    if (!log) this.activity.set(entry.user_id, (log = new ActivityLog(entry.user_id, this.activityStrings)));
    log.append(entry);
  }

  async listActivity(userId: string, filter: ActivityFilter, page: number, limit: number) {
    return this.activity.get(userId)?.list(filter, page, limit) ?? { items: [], total: 0 };
  }

  async activityStats(userId: string, since: string) {
    return this.activity.get(userId)?.stats(since) ?? { totalRecords: 0, totalSizeBytes: 0, oldest: null, newest: null };
  }

  async purgeActivity(before: string, batchSize: number) {
    let removed = 0;
    for (const log of this.activity.values()) {
      if (removed >= batchSize) break;
      removed += log.removeBefore(before, batchSize - removed);
    }
    return removed;
  }

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

  async realmUsage(userId: string) {
    const usage = new Map<string, RealmUsage>();
    const count = (realmId: string, kind: keyof RealmUsage) => {
      if (!realmId) return;
      const entry = usage.get(realmId) ?? { projects: 0, containers: 0, servers: 0, auth_tokens: 0 };
      entry[kind] += 1;
      usage.set(realmId, entry);
    };
    for (const p of this.projects) if (p.user_id === userId) count(p.realm_id, 'projects');
    for (const c of this.containers) if (c.user_id === userId) count(c.realm_id, 'containers');
    for (const s of this.servers) if (s.user_id === userId) count(s.realm_id, 'servers');
    for (const t of this.tokens.values()) if (t.user_id === userId) for (const realm of t.realm_ids) count(realm, 'auth_tokens');
    return usage;
  }

  async listTokens(userId: string, page: number, limit: number) {
    const mine = [...this.tokens.values()].filter((t) => t.user_id === userId).reverse();
    return paginate(mine, page, limit);
  }

  async getToken(userId: string, id: string) {
    const token = this.tokens.get(id);
    return token && token.user_id === userId ? token : undefined;
  }

  async findTokenByDigest(digest: string) {
    const id = this.tokensByDigest.get(digest);
    return id ? this.tokens.get(id) : undefined;
  }

  async findTokenByPublicKey(publicKey: string, now: string) {
    return [...this.tokens.values()].find((t) => t.public_key === publicKey && t.is_enabled && (t.expires_at === null || t.expires_at > now));
  }

  private conflict(userId: string, alias: string | undefined, publicKey: string | null | undefined, exceptId?: string): TokenConflict | undefined {
    for (const token of this.tokens.values()) {
      if (token.id === exceptId) continue;
      if (alias !== undefined && token.user_id === userId && token.alias === alias) return 'DUPLICATE_ALIAS';
      if (publicKey && token.public_key === publicKey) return 'PUBLIC_KEY_IN_USE';
    }
    return undefined;
  }

  async createToken(token: Omit<TokenRecord, 'alias'>, aliasCandidates: string[]) {
    if (token.public_key && this.conflict(token.user_id, undefined, token.public_key)) return 'PUBLIC_KEY_IN_USE' as const;
    const alias = aliasCandidates.find((candidate) => !this.conflict(token.user_id, candidate, undefined));
    if (alias === undefined) return 'DUPLICATE_ALIAS' as const;
    const stored: TokenRecord = copy({ ...token, alias });
    this.tokens.set(stored.id, stored);
    this.tokensByDigest.set(stored.token_digest, stored.id);
    return stored;
  }

  async updateToken(userId: string, id: string, changes: TokenChanges, now: string) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return undefined;
    const conflict = this.conflict(userId, changes.alias, changes.public_key, id);
    if (conflict) return conflict;
    const next = copy({ ...token, ...changes, updated_at: now });
    this.tokens.set(id, next);
    return next;
  }

  async deleteToken(userId: string, id: string) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return false;
    this.tokens.delete(id);
    this.tokensByDigest.delete(token.token_digest);
    return true;
  }

  async addTokenRealm(userId: string, id: string, realmId: string, now: string) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return undefined;
    if (!token.realm_ids.includes(realmId)) this.tokens.set(id, copy({ ...token, realm_ids: [...token.realm_ids, realmId], updated_at: now }));
    return this.tokens.get(id)!;
  }

  async removeTokenRealm(userId: string, id: string, realmId: string, now: string, options: { keepOne?: boolean } = {}) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return undefined;
    if (options.keepOne && token.realm_ids.length === 1 && token.realm_ids[0] === realmId) return 'LAST_REALM' as const;
    if (token.realm_ids.includes(realmId)) this.tokens.set(id, copy({ ...token, realm_ids: token.realm_ids.filter((r) => r !== realmId), updated_at: now }));
    return this.tokens.get(id)!;
  }

  async recordTokenUse(id: string, at: string, ip: string) {
    const token = this.tokens.get(id);
    if (token) this.tokens.set(id, Object.freeze({ ...token, last_used_at: at, last_used_ip: ip }));
  }

  async hitRateLimit(key: string, windowStartMs: number, increment: number) {
    if (windowStartMs > this.rateLimitWindowMs) {
      this.rateLimits.clear();
      this.rateLimitWindowMs = windowStartMs;
    } else if (windowStartMs < this.rateLimitWindowMs) {
      // A window already over (a request that started before the roll): it counts against nothing.
      return increment;
    }
    const count = (this.rateLimits.get(key) ?? 0) + increment;
    if (increment > 0) {
      if (!this.rateLimits.has(key) && this.rateLimits.size >= this.maxRateLimitKeys) this.rateLimits.delete(this.rateLimits.keys().next().value!);
      this.rateLimits.set(key, count);
    }
    return count;
  }

  async purgeRateLimits(beforeMs: number) {
    if (this.rateLimitWindowMs < beforeMs) this.rateLimits.clear();
  }

  async seed(data: SeedData) {
    for (const user of data.users) this.users.set(user.id, copy(user));
    for (const token of data.tokens ?? []) await this.createToken(token, [token.alias]);
    this.servers.push(...copy(data.servers ?? []));
    this.projects.push(...copy(data.projects ?? []));
    this.containers.push(...copy(data.containers ?? []));
    for (const entry of data.vault ?? []) await this.setVault(entry, Number.MAX_SAFE_INTEGER);
  }

  async ping() {}

  async close() {}
}
