/**
 * The Store: everything the handlers persist, behind one interface with an in-memory implementation
 * (src/store/memory/) and a PostgreSQL one. Every method that reads or writes a user's data takes that user's id,
 * so a caller can never reach another user's rows by id alone. Operations that must be atomic (quota checks with
 * writes, alias uniqueness, realm add/remove, provisioning, OTP replay) are single methods, so each implementation
 * can make them atomic in its own way (a synchronous section in memory, one statement or transaction in SQL).
 * Timestamps are ISO 8601 strings, and every write that stamps one takes it from the caller (`now`), so that one
 * clock — the request's — dates everything a request writes. Something absent is `undefined`, on reads and on
 * updates alike; deletes answer whether (or how much) they deleted.
 */

import type { PermissionMap } from '../spec/policy.js';

export type { PermissionMap };

export type UserRecord = {
  id: string;
  username: string;
  alias: string;
  email: string;
  public_key: string | null;
  is_admin: boolean;
  is_banned: boolean;
  metadata: Record<string, unknown>;
  password_hash: string;
  /** Base32 TOTP secret when 2FA is on. */
  totp_secret: string | null;
  created_at: string;
  updated_at: string;
};

export type UserChanges = Partial<Pick<UserRecord, 'alias' | 'public_key' | 'metadata' | 'password_hash' | 'is_admin' | 'is_banned'>>;

export type TokenRecord = {
  id: string;
  user_id: string;
  alias: string;
  /** SHA-256 hex digest of the plain token; the plain token is never stored. */
  token_digest: string;
  public_key: string | null;
  public_storage: Record<string, unknown> | null;
  ip_whitelist: string[];
  realm_ids: string[];
  allow_no_realm: boolean;
  permissions: PermissionMap;
  expires_at: string | null;
  is_enabled: boolean;
  vault_access: boolean;
  event_access: boolean;
  last_used_at: string | null;
  last_used_ip: string | null;
  created_at: string;
  updated_at: string;
};

export type TokenChanges = Partial<
  Pick<
    TokenRecord,
    | 'alias'
    | 'public_key'
    | 'public_storage'
    | 'ip_whitelist'
    | 'realm_ids'
    | 'allow_no_realm'
    | 'permissions'
    | 'expires_at'
    | 'is_enabled'
    | 'vault_access'
    | 'event_access'
  >
>;

export type ActivityRecord = {
  id: string;
  user_id: string;
  realm_id: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  status_code: number;
  ip_address: string;
  user_agent: string;
  created_at: string;
};

export type ActivityFilter = {
  since: string;
  startDate?: string;
  endDate?: string;
  minStatus?: number;
  maxStatus?: number;
  method?: ActivityRecord['method'];
  realmId?: string;
};

export type VaultRecord = {
  user_id: string;
  realm_id: string;
  key: string;
  value: string;
  metadata: Record<string, unknown> | null;
  size_bytes: number;
  created_at: string;
  updated_at: string;
};

export type ServerRecord = { id: string; user_id: string; name: string; region: string; tier: 'free'; status: 'active'; realm_id: string; created_at: string };
export type ProjectRecord = { id: string; user_id: string; name: string; is_default: boolean; realm_id: string; created_at: string };
export type ContainerRecord = {
  id: string;
  user_id: string;
  name: string;
  project_id: string;
  server_id: string;
  realm_id: string;
  status: 'running';
  created_at: string;
};
export type Provisioning = { server: ServerRecord; project: ProjectRecord; container: ContainerRecord };

export type Page<T> = { items: T[]; total: number };
export type RealmUsage = { projects: number; containers: number; servers: number; auth_tokens: number };

export type TokenConflict = 'DUPLICATE_ALIAS' | 'PUBLIC_KEY_IN_USE';

export interface Store {
  /** True when each quota count is a round trip (PostgreSQL): the rate limiter then counts in the process and reconciles. */
  readonly quotaCountsCostARoundTrip?: boolean;
  /** A user by id, or undefined. */
  getUser(id: string): Promise<UserRecord | undefined>;
  /**
   * Applies changes to a user atomically. Refuses (answering `CANNOT_BAN_ADMIN`, changing nothing) when the result
   * would be a banned admin; when `expectedPasswordHash` is given, refuses with `PASSWORD_CHANGED` unless the
   * stored hash is still that one (so a password change cannot race another).
   */
  updateUser(
    id: string,
    changes: UserChanges,
    now: string,
    guard?: { expectedPasswordHash?: string },
  ): Promise<UserRecord | undefined | 'CANNOT_BAN_ADMIN' | 'PASSWORD_CHANGED'>;
  /** Records that a TOTP step was used; false when it (or a later step) already was: a replay. */
  consumeOtpStep(userId: string, step: number): Promise<boolean>;

  /** Creates the user's free-tier server, default project and container once; later calls answer the same ones. */
  provision(userId: string, create: Provisioning): Promise<{ provisioning: Provisioning; created: boolean }>;

  appendActivity(entry: ActivityRecord): Promise<void>;
  /** The user's activity matching the filter, newest first. */
  listActivity(userId: string, filter: ActivityFilter, page: number, limit: number): Promise<Page<ActivityRecord>>;
  activityStats(userId: string, since: string): Promise<{ totalRecords: number; totalSizeBytes: number; oldest: string | null; newest: string | null }>;
  /** Deletes up to `batchSize` entries older than `before`; answers how many went. */
  purgeActivity(before: string, batchSize: number): Promise<number>;

  listVault(userId: string, realmId: string, page: number, limit: number): Promise<Page<VaultRecord>>;
  getVault(userId: string, realmId: string, key: string): Promise<VaultRecord | undefined>;
  /**
   * Creates or replaces a key, atomically with the quota check: refuses with `VAULT_LIMIT_EXCEEDED` (changing
   * nothing) when the user's total across all realms would pass `limitBytes`.
   */
  setVault(entry: VaultRecord, limitBytes: number): Promise<{ entry: VaultRecord; created: boolean } | 'VAULT_LIMIT_EXCEEDED'>;
  deleteVault(userId: string, realmId: string, key: string): Promise<boolean>;
  clearVault(userId: string, realmId: string): Promise<number>;
  vaultUsage(userId: string, realmId: string): Promise<{ realmKeys: number; realmBytes: number; totalBytes: number }>;

  /** Realm id -> counts of the user's projects, containers, servers and tokens in it (the global scope excluded). */
  realmUsage(userId: string): Promise<Map<string, RealmUsage>>;

  listTokens(userId: string, page: number, limit: number): Promise<Page<TokenRecord>>;
  getToken(userId: string, id: string): Promise<TokenRecord | undefined>;
  findTokenByDigest(digest: string): Promise<TokenRecord | undefined>;
  /** The enabled, unexpired token publishing this public key. */
  findTokenByPublicKey(publicKey: string, now: string): Promise<TokenRecord | undefined>;
  /**
   * Creates a token with the first alias of `aliasCandidates` that the user does not use yet (one candidate: that
   * alias or `DUPLICATE_ALIAS`). Refuses a public key another token has.
   */
  createToken(token: Omit<TokenRecord, 'alias'>, aliasCandidates: string[]): Promise<TokenRecord | TokenConflict>;
  /** Applies changes to one of the user's tokens; undefined when the user has no such token. */
  updateToken(userId: string, id: string, changes: TokenChanges, now: string): Promise<TokenRecord | undefined | TokenConflict>;
  deleteToken(userId: string, id: string): Promise<boolean>;
  /** Adds a realm to a token's list if absent; idempotent and atomic. */
  addTokenRealm(userId: string, id: string, realmId: string, now: string): Promise<TokenRecord | undefined>;
  /**
   * Removes a realm from a token's list if present; idempotent and atomic. With `keepOne`, refuses (answering
   * `LAST_REALM`, changing nothing) to remove the last realm of the list, checked in the same atomic step.
   */
  removeTokenRealm(userId: string, id: string, realmId: string, now: string, options?: { keepOne?: boolean }): Promise<TokenRecord | undefined | 'LAST_REALM'>;
  recordTokenUse(id: string, at: string, ip: string): Promise<void>;

  /**
   * Adds `increment` (0 to only read) to the counter of `key` in the window starting at `windowStartMs`, and
   * answers the count after it. Atomic, and shared by every server process using the same store.
   */
  hitRateLimit(key: string, windowStartMs: number, increment: number): Promise<number>;
  /** Deletes rate-limit windows that started before `beforeMs`. */
  purgeRateLimits(beforeMs: number): Promise<void>;

  /** Loads fixtures (the demo data); for seeding only. */
  seed(data: SeedData): Promise<void>;
  /** Resolves when the store can serve requests now (`GET /health`); rejects when it cannot. */
  ping(): Promise<void>;
  /** Writes what was accepted and lets go of what the store holds; closing again answers as the first close did. */
  close(): Promise<void>;
}

export type SeedData = {
  users: UserRecord[];
  tokens?: TokenRecord[];
  servers?: ServerRecord[];
  projects?: ProjectRecord[];
  containers?: ContainerRecord[];
  vault?: VaultRecord[];
};
