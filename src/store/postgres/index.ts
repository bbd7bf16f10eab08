/**
 * The Store on PostgreSQL (node-postgres), one file per aggregate: `users.ts`, `tokens.ts`, `activity.ts`, `vault.ts`
 * and `resources.ts` hold the queries; this class wires them to one connection (connection.ts), one principal cache
 * per kind and the change listener, and seeds, checks and closes the store.
 *
 * Every operation the interface calls atomic is one SQL statement or one transaction holding a row lock, never a
 * read-modify-write across an await in JavaScript; each aggregate's file says how.
 * A lost connection surfaces as StoreUnavailableError (503); the failed statement or transaction changed nothing.
 * Authentication lookups (users by id, tokens by digest) are served from a cache kept fresh by NOTIFY
 * (principal-cache.ts); activity and a token's last use are group-committed (group-commit.ts); activity counts come
 * from rollups kept by triggers (migration 004, activity-sql.ts).
 */
import type pg from 'pg';
import { forwardTo, TOKEN_METHODS, VAULT_METHODS, type TokenMethod, type VaultMethod } from '../forward.js';
import type { SeedData, Store, TokenRecord, UserRecord } from '../types.js';
import { PgActivity } from './activity.js';
import { ENTRY_MS } from './activity-read-cache.js';
import { ChangeListener } from './change-listener.js';
import { PgConnection, type PostgresStoreOptions } from './connection.js';
import type { DatabaseCapacity } from './connection-budget.js';
import { PrincipalCache } from './principal-cache.js';
import { insertResources, PgResources } from './resources.js';
import { PgTokens } from './tokens.js';
import { PgUsers } from './users.js';
import { PgVault } from './vault.js';

export type { PostgresStoreOptions };
/** Any constant shared by every process of this app (the migrations use another). */
const SEED_LOCK_KEY = 7_301_995;

/** Long enough for two tries past the default lock timeout, short of an orchestrator's usual 30 s stop grace. */
const DEFAULT_CLOSE_WRITE_MS = 12_000;

/** The methods the constructor forwards to an aggregate (forward.ts). */
export interface PostgresStore extends Pick<Store, TokenMethod | VaultMethod> {}

export class PostgresStore implements Store {
  readonly quotaCountsCostARoundTrip = true;

  /** Users by id and API tokens by digest, for authentication (principal-cache.ts says how fresh they are). */
  private readonly userCache = new PrincipalCache<UserRecord>();
  private readonly tokenCache = new PrincipalCache<TokenRecord>();
  private readonly changes: ChangeListener;
  private readonly users: PgUsers;
  private readonly tokens: PgTokens;
  private readonly activity: PgActivity;
  private readonly vault: PgVault;
  private readonly resources: PgResources;

  private constructor(
    private readonly db: PgConnection,
    /** How long close() keeps trying to write what is queued when the database refuses it. */
    private readonly closeWriteMs: number,
    activityReadCacheMs: number,
  ) {
    this.users = new PgUsers(db, this.userCache);
    this.tokens = new PgTokens(db, this.tokenCache);
    this.activity = new PgActivity(db, activityReadCacheMs);
    this.vault = new PgVault(db);
    this.resources = new PgResources(db);
    Object.assign(this, forwardTo(this.tokens, TOKEN_METHODS), forwardTo(this.vault, VAULT_METHODS));
    this.changes = new ChangeListener(db.clientConfig, {
      up: () => [this.userCache, this.tokenCache].forEach((cache) => cache.setLive(true)),
      down: () => [this.userCache, this.tokenCache].forEach((cache) => cache.setLive(false)),
      message: (payload) => {
        if (payload.startsWith('user:')) this.userCache.forget(payload.slice(5));
        else if (payload.startsWith('token:')) this.tokenCache.forget(payload.slice(6));
      },
    });
  }

  /** Connects, checks the database answers, and applies pending migrations; fails fast when it cannot. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(await PgConnection.open(options), options.closeWriteMs ?? DEFAULT_CLOSE_WRITE_MS, options.activityReadCacheMs ?? ENTRY_MS);
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

  getUser: Store['getUser'] = (id) => this.users.getUser(id);
  updateUser: Store['updateUser'] = (id, changes, now, guard) => this.users.updateUser(id, changes, now, guard);
  consumeOtpStep: Store['consumeOtpStep'] = (userId, step) => this.users.consumeOtpStep(userId, step);
  provision: Store['provision'] = (userId, create) => this.resources.provision(userId, create);
  realmUsage: Store['realmUsage'] = (userId) => this.resources.realmUsage(userId);

  appendActivity: Store['appendActivity'] = (entry) => this.activity.appendActivity(entry);
  listActivity: Store['listActivity'] = (userId, filter, page, limit) => this.activity.listActivity(userId, filter, page, limit);
  activityStats: Store['activityStats'] = (userId, since) => this.activity.activityStats(userId, since);
  purgeActivity: Store['purgeActivity'] = (before, batchSize) => this.activity.purgeActivity(before, batchSize);
  /** Writes every activity record this process holds (for tests and tools that read the tables themselves). */
  writeHeldActivity = () => this.activity.writeHeldActivity();

  /** Counters go through the non-waiting connections: a lost increment after a crash only loosens a quota. */
  async hitRateLimit(key: string, windowStartMs: number, increment: number) {
    if (increment === 0) {
      const { rows } = await this.db.query<{ count: number }>(
        'SELECT count FROM rate_limit_windows WHERE key = $1 AND window_start = $2',
        [key, windowStartMs],
        this.db.activityPool,
      );
      return rows[0]?.count ?? 0;
    }
    const { rows } = await this.db.query<{ count: number }>(
      `INSERT INTO rate_limit_windows (key, window_start, count) VALUES ($1, $2, $3)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + EXCLUDED.count RETURNING count`,
      [key, windowStartMs, increment],
      this.db.activityPool,
    );
    return rows[0].count;
  }

  async purgeRateLimits(beforeMs: number) {
    await this.db.query('DELETE FROM rate_limit_windows WHERE window_start < $1', [beforeMs], this.db.activityPool);
  }

  async seed(data: SeedData) {
    await this.db.transaction(async (client) => {
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
    await this.db.query('SELECT 1');
  }

  /**
   * What was accepted is written before the pools go (a drained shutdown loses nothing). A database that refuses the
   * writes meanwhile (a lock held elsewhere, a restart) is tried again for up to `closeWriteMs`; what it never took
   * fails the close with the count, so that the server logs it and exits non-zero instead of losing it in silence.
   * Closing again (a test's own cleanup beside its helper's, a second signal) waits for the first close and answers
   * as it did, instead of ending the pools twice.
   */
  close(): Promise<void> {
    return (this.closing ??= this.closeOnce());
  }

  private closing: Promise<void> | undefined;

  private async closeOnce() {
    const [activity, tokenUses] = await Promise.all([this.activity.writes.drain(this.closeWriteMs), this.tokens.uses.drain(this.closeWriteMs)]);
    await Promise.all([this.changes.close(), this.db.close()]);
    const lost = { activity: activity.unwritten + this.activity.writes.dropped, tokenUses: tokenUses.unwritten + this.tokens.uses.dropped };
    if (lost.activity + lost.tokenUses > 0) {
      const failure = activity.failure ?? tokenUses.failure;
      throw new Error(
        `not written to the database: ${lost.activity} activity records and ${lost.tokenUses} API token last uses` +
          (failure ? ` (last failure: ${failure instanceof Error ? failure.message : String(failure)})` : ''),
      );
    }
  }
}
