/**
 * The in-memory Store: the embedded default, one file per aggregate like the PostgreSQL store (`tokens.ts`,
 * `vault.ts`, `activity-log.ts`, `quota-counters.ts`); this class holds users and provisioned resources and wires the
 * rest. Every method does its reads and writes synchronously between two awaits, so each is atomic under concurrent
 * requests, as the interface requires. Stored records are deep-frozen copies (records.ts), replaced (never changed)
 * on update, so reads can hand them out without copying and no caller can change stored state through what it got.
 * Activity is kept by column instead (activity-log.ts), and its reads build the records they answer.
 */
import type {
  ActivityFilter,
  ActivityRecord,
  ContainerRecord,
  ProjectRecord,
  Provisioning,
  RealmUsage,
  SeedData,
  ServerRecord,
  Store,
  UserChanges,
  UserRecord,
} from '../types.js';
import { forwardTo, TOKEN_METHODS, VAULT_METHODS, type TokenMethod, type VaultMethod } from '../forward.js';
import { ActivityLog, StringTable } from './activity-log.js';
import { MemoryQuotaCounters } from './quota-counters.js';
import { copy, withChanges } from './records.js';
import { MemoryTokens } from './tokens.js';
import { MemoryVault } from './vault.js';

const QUOTA_METHODS = ['hitRateLimit', 'purgeRateLimits'] as const;

/** The methods the constructor forwards to an aggregate (forward.ts). */
export interface MemoryStore extends Pick<Store, TokenMethod | VaultMethod | (typeof QUOTA_METHODS)[number]> {}

export class MemoryStore implements Store {
  private users = new Map<string, UserRecord>();
  private otpSteps = new Map<string, number>();
  private tokens = new MemoryTokens();
  /** Per user (activity-log.ts), so a user's listing never scans other users' entries. */
  private activity = new Map<string, ActivityLog>();
  private activityStrings = new StringTable();
  private vault = new MemoryVault();
  private servers: ServerRecord[] = [];
  private projects: ProjectRecord[] = [];
  private containers: ContainerRecord[] = [];
  private provisioned = new Map<string, Provisioning>();
  private quotaCounters: MemoryQuotaCounters;

  constructor(maxRateLimitKeys = 100_000) {
    this.quotaCounters = new MemoryQuotaCounters(maxRateLimitKeys);
    Object.assign(this, forwardTo(this.tokens, TOKEN_METHODS), forwardTo(this.vault, VAULT_METHODS), forwardTo(this.quotaCounters, QUOTA_METHODS));
  }

  /** How many quota counters are held (for the memory-bound tests). */
  get rateLimitKeyCount(): number {
    return this.quotaCounters.size;
  }

  async getUser(id: string) {
    return this.users.get(id);
  }

  async updateUser(id: string, changes: UserChanges, now: string, guard: { expectedPasswordHash?: string } = {}) {
    const user = this.users.get(id);
    if (!user) return undefined;
    if (guard.expectedPasswordHash !== undefined && user.password_hash !== guard.expectedPasswordHash) return 'PASSWORD_CHANGED' as const;
    const next = withChanges(user, { ...changes, updated_at: now });
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
    for (const t of this.tokens.ofUser(userId)) for (const realm of t.realm_ids) count(realm, 'auth_tokens');
    return usage;
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
