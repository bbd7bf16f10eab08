/**
 * The PostgreSQL plumbing under the store (Kysely keeps its driver apart from its queries the same way): the three
 * pools (sized by connection-budget.ts, with the lock and statement time limits), opening and migrating, one
 * statement with bounded retries, one transaction, and the mapping to StoreUnavailableError (503) of a lost
 * connection and of a statement the database refused or cancelled. No query of the API lives here.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreUnavailableError } from '../../errors.js';
import { migrate } from './migrate.js';
import { CAPACITY_QUERY, capacityOf, DEFAULT_MAX_CONNECTIONS, splitConnections, type CapacityRow, type DatabaseCapacity } from './connection-budget.js';

export type PostgresStoreOptions = {
  connectionString: string;
  /** A schema to use instead of `public` (tests use a fresh one per run). */
  schema?: string;
  /** The most connections this process opens, the listener's included (connection-budget.ts splits it). */
  maxConnections?: number;
  /**
   * Milliseconds a statement may wait for one lock before the database gives up (0: no limit). A request then
   * answers 503 instead of holding its connection for as long as someone else (an open psql transaction, a LOCK
   * TABLE) holds a lock it needs. Migrations are exempt (migrate.ts).
   */
  lockTimeoutMs?: number;
  /**
   * Milliseconds a statement may run in all before the database cancels it (0: no limit): the last bound, long
   * enough for the largest legitimate statement (a vault write near 50 MB takes seconds). Migrations are exempt.
   */
  statementTimeoutMs?: number;
  /** How long closing the store keeps trying to write queued activity that the database refuses (index.ts). */
  closeWriteMs?: number;
  /** How long an idle connection stays open (tests keep it short, since they open many stores). */
  idleTimeoutMillis?: number;
  /**
   * Connections each pool keeps open however long it stays idle (default 1; pg-pool's `min`). On a quiet server every
   * connection used to close after the idle timeout, and the next request paid for a new one: the connect, and a
   * backend that builds its catalog caches and plans each prepared statement again on first use (bench/README.md
   * has the figures). pg-pool hands out the most recently released connection first, so at low traffic the one kept
   * is the one used. A test that needs a pool holding none passes 0.
   */
  keepOpenConnections?: number;
  /**
   * How long what an activity page or activity.getStats read answers the same read again (activity-read-cache.ts;
   * default 50 ms, the flush interval), and as long again while it is read anew. A test of the statements themselves
   * passes 0, which keeps nothing.
   */
  activityReadCacheMs?: number;
  applicationName?: string;
};

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

function isConnectionFailure(failure: unknown): boolean {
  const error = failure as { code?: string; message?: string };
  return (
    CONNECTION_ERRORS.has(error?.code ?? '') ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(error?.message ?? '')
  );
}

/**
 * The database refused or stopped a statement for reasons of its own, not the request's: class 53, insufficient
 * resources (above all "too many clients", 53300, when every process's connections together pass what the database
 * accepts: connection-budget.ts; out of memory or disk); 55P03, a lock not had within `lock_timeout` (someone else
 * holds it); 57014, a statement cancelled past `statement_timeout` or by an operator. Nothing was changed, and the
 * same request may well succeed a moment later: 503, like a lost connection.
 */
const isRefusedByDatabase = (failure: unknown) => {
  const code = (failure as { code?: string })?.code ?? '';
  return code.startsWith('53') || code === '55P03' || code === '57014';
};

/** How long a statement may wait for a lock, and run in all, unless the options say otherwise (README). */
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;

/** Deadlock detected, serialization failure: the transaction was rolled back and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const isRetryable = (failure: unknown) => RETRYABLE.has((failure as { code?: string })?.code ?? '');
const MAX_ATTEMPTS = 4;
/** "cached plan must not change result type": a migration changed a table under a statement prepared before it. */
const isStalePreparedPlan = (failure: unknown) => (failure as { code?: string })?.code === '0A000';
/**
 * "prepared statement does not exist" / "already exists": the server connection behind ours is not the one we
 * prepared on (a transaction-mode pooler), or someone ran DEALLOCATE. Prepared statements cannot be relied on there.
 */
const isLostPreparedStatement = (failure: unknown) => ['26000', '42P05'].includes((failure as { code?: string })?.code ?? '');
/** Distinct statement shapes remembered by name; there are a few dozen, so this bound is never reached in practice. */
const MAX_PREPARED_NAMES = 1_000;
/** The text form of a timestamptz in a UTC session: `2026-12-01 19:06:00.123+00` (fraction optional, up to 6 digits). */
const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;
const parseTimestampAsDate = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date;

/**
 * timestamptz as the ISO 8601 string the API answers with (`Date#toISOString`'s form: milliseconds, truncated, as
 * node-postgres's own parser truncates), without a Date in between: parsing 50 of them for a page and formatting
 * them again was about 7% of the server's time on an activity page, and the two of each vault.set's answer about 3%
 * of its time. Any other form (a session not in UTC) goes through node-postgres's parser.
 */
export function timestampAsIso(text: string): string {
  const utc = UTC_TIMESTAMP.exec(text);
  if (utc) return `${utc[1]}T${utc[2]}.${(utc[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  return parseTimestampAsDate(text).toISOString();
}

/** Every pool's type parsers: node-postgres's, but timestamptz answered as ISO strings (`timestampAsIso`). */
const ISO_TIMESTAMPS = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.TIMESTAMPTZ && format !== 'binary' ? timestampAsIso : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

/** "Too many clients": the database has no slot for one more connection (or the role or database is at its limit). */
const isConnectionRefusedForLimit = (failure: unknown) => (failure as { code?: string })?.code === '53300';
/** How long a pool the database refused a connection keeps to the ones it has before it asks for more again. */
const HOLD_AFTER_REFUSAL_MS = 1_000;

export class PgConnection {
  private constructor(
    readonly pool: pg.Pool,
    /**
     * Activity records (and token `last_used_*`) are written through their own connections with
     * `synchronous_commit = off`: the write returns without waiting for its WAL flush, which is the cost of every
     * request that records activity. A database crash may lose the last fraction of a second of these entries (never
     * corrupt them); every other write stays fully durable.
     */
    readonly activityPool: pg.Pool,
    /**
     * The prepared reads a request waits on (`query` with `prepared`), through connections whose prepared statements
     * keep one generic plan (`plan_cache_mode = force_generic_plan`). Left to choose, PostgreSQL planned an activity
     * page afresh with each call's values: the statement log showed 0.36 ms in Bind (planning) against 0.17 ms in
     * Execute. Only these statements, written for it, get the setting: a one-off statement on the main pool keeps
     * a plan made for its values. Its sessions are in UTC and answer timestamps as ISO strings (`timestampAsIso`).
     */
    readonly readPool: pg.Pool,
    private readonly counter: { statements: number },
    /** What a dedicated (non-pooled) connection needs: the change listener's. */
    readonly clientConfig: pg.ClientConfig,
    /** How many connections the database accepts from this role, read at start (connection-budget.ts). */
    readonly capacity: DatabaseCapacity,
    /** The most connections this process opens, the listener's included: its pools' sizes add up to it. */
    readonly maxConnections: number,
    /**
     * The connections of each pool that the database accepted. pg-pool's `totalCount` also counts connects still
     * under way, which the same limit may refuse in turn: a pool held to that count kept trying new connections (each
     * refusal makes pg-pool start one for the next request in its queue), and a burst ran out of tries (503s).
     */
    private readonly established: Map<pg.Pool, Set<pg.PoolClient>>,
  ) {}

  /** The pools held to what they have after a refusal (`waitForHeldConnection`): each one's own size, and the timer. */
  private readonly holds = new Map<pg.Pool, { configured: number; timer: NodeJS.Timeout }>();

  /**
   * When the database refuses a pool one more connection ("too many clients": the server's processes together
   * open more than it accepts, connection-budget.ts) and the pool already holds some, the request that asked should
   * wait for one of those, not fail. pg-pool fails it, and then, as each request queued behind it tries a connection
   * of its own, every one of them: a burst answered 503 while connections were open and about to be free. So the pool
   * is held to what it has (its `max` lowered; pg-pool reads it for each request) for HOLD_AFTER_REFUSAL_MS, and
   * the caller sends the request again, to queue for a held connection (within pg-pool's 5 s connection wait). A
   * pool that holds none still answers 503: there is nothing to wait for.
   */
  private waitForHeldConnection(pool: pg.Pool, failure: unknown): boolean {
    const established = this.established.get(pool)?.size ?? 0;
    if (!isConnectionRefusedForLimit(failure) || established === 0) return false;
    const held = this.holds.get(pool);
    clearTimeout(held?.timer);
    const configured = held?.configured ?? pool.options.max ?? established;
    pool.options.max = established;
    const timer = setTimeout(() => {
      this.holds.delete(pool);
      pool.options.max = configured;
    }, HOLD_AFTER_REFUSAL_MS);
    timer.unref();
    this.holds.set(pool, { configured, timer });
    return true;
  }

  /** Statements sent to the database since the pools opened (the bench and the round-trip test read it). */
  get statements(): number {
    return this.counter.statements;
  }

  /** Connects, checks the database answers, and applies pending migrations; fails fast when it cannot. */
  static async open(options: PostgresStoreOptions): Promise<PgConnection> {
    // Every session in UTC, so that timestamps come as the text `timestampAsIso` turns into the API's form directly.
    const timeouts = `-c TimeZone=UTC -c lock_timeout=${options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS} -c statement_timeout=${
      options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS
    }`;
    const settings = (extra: string, max: number) => ({
      connectionString: options.connectionString,
      max,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
      min: Math.min(options.keepOpenConnections ?? 1, max),
      application_name: options.applicationName ?? 'hoody-api',
      types: ISO_TIMESTAMPS,
      options: [options.schema ? `-c search_path=${startupOptionValue(quoteIdentifier(options.schema))}` : '', timeouts, extra].filter(Boolean).join(' '),
    });
    const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const sizes = splitConnections(maxConnections);
    const pool = new pg.Pool(settings('', sizes.main));
    const activityPool = new pg.Pool(settings('-c synchronous_commit=off', sizes.activity));
    const readPool = new pg.Pool(settings('-c plan_cache_mode=force_generic_plan', sizes.read));
    const pools = [pool, activityPool, readPool];
    let capacity: DatabaseCapacity;
    // An idle connection that the server drops emits here; the pool replaces it on next use.
    for (const each of pools) each.on('error', () => {});
    // Every statement of every connection is counted, so round trips per request can be measured (not timed).
    const counter = { statements: 0 };
    const established = new Map(pools.map((each) => [each, new Set<pg.PoolClient>()]));
    for (const each of pools) {
      each.on('remove', (client) => established.get(each)!.delete(client));
      each.on('connect', (client) => {
        established.get(each)!.add(client);
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        client.query = ((...args: unknown[]) => {
          counter.statements += 1;
          return query(...args);
        }) as typeof client.query;
      });
    }
    try {
      // Two processes starting together can race past IF NOT EXISTS; the loser's unique violation means "it exists".
      if (options.schema) {
        await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`).catch((failure: { code?: string }) => {
          if (failure.code !== '23505' && failure.code !== '42P06') throw failure;
        });
      }
      await migrate(pool);
      capacity = capacityOf((await pool.query<CapacityRow>(CAPACITY_QUERY)).rows[0]);
    } catch (failure) {
      await Promise.all(pools.map((each) => each.end())).catch(() => {});
      throw new Error(`cannot use the PostgreSQL database at ${redact(options.connectionString)}: ${(failure as Error).message}`);
    }
    const { max: _max, min: _min, idleTimeoutMillis: _idle, ...clientConfig } = settings('', 1);
    return new PgConnection(pool, activityPool, readPool, counter, clientConfig, capacity, maxConnections, established);
  }

  /** A read a request waits on: a prepared statement on the read pool, whose plans are generic (`query` says why). */
  read<R extends pg.QueryResultRow = any>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    return this.query<R>(text, values, this.readPool, { prepared: true });
  }

  /**
   * One statement. A deadlock or serialization failure rolled the statement back whole, so it is retried (a bounded
   * number of times, after a short random pause); a lost connection becomes StoreUnavailableError (503).
   *
   * `prepared`: sent as a named prepared statement, which PostgreSQL parses once per connection (and, on the read
   * pool, plans once per connection) instead of on every call. For the reads a request waits on, whose planning
   * costs as much as running them: an activity page on a million-row log plans in about 0.25 ms and runs in 0.13 ms
   * (pgbench, one client: 2,657 against 7,573 per second); vault.get went from about 10.1k to 12.2k req/s.
   * The name comes from the text, so each shape of statement (which edges a range has, which filters) is its own.
   * Behind a transaction-mode pooler a prepared statement may be missing from the server connection a query lands
   * on: the first such failure turns preparing off for this process, and the query runs again unprepared.
   */
  async query<R extends pg.QueryResultRow = any>(
    text: string,
    values: unknown[] = [],
    pool = this.pool,
    options: { prepared?: boolean } = {},
  ): Promise<pg.QueryResult<R>> {
    for (let attempt = 1; ; attempt += 1) {
      const prepared = options.prepared && this.preparing;
      try {
        return await (prepared ? pool.query<R>({ name: this.preparedName(text), text, values }) : pool.query<R>(text, values));
      } catch (failure) {
        if (attempt < MAX_ATTEMPTS && this.waitForHeldConnection(pool, failure)) continue;
        if (isConnectionFailure(failure) || isRefusedByDatabase(failure)) throw new StoreUnavailableError(failure);
        if (prepared && isLostPreparedStatement(failure) && attempt < MAX_ATTEMPTS) {
          this.preparing = false;
          continue;
        }
        if (prepared && isStalePreparedPlan(failure) && attempt < MAX_ATTEMPTS) {
          // Prepare afresh under new names; the stale statements go when their connections close.
          this.preparedNames.clear();
          this.preparedGeneration += 1;
          continue;
        }
        if (!isRetryable(failure) || attempt >= MAX_ATTEMPTS) throw failure;
        await pause(attempt);
      }
    }
  }

  private readonly preparedNames = new Map<string, string>();
  private preparedGeneration = 0;
  /** Off for good once a prepared statement went missing (see `query`). */
  private preparing = true;

  private preparedName(text: string): string {
    let name = this.preparedNames.get(text);
    if (name === undefined) {
      if (this.preparedNames.size >= MAX_PREPARED_NAMES) this.preparedNames.clear();
      name = `hoody_${this.preparedGeneration}_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      this.preparedNames.set(text, name);
    }
    return name;
  }

  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.transactionOnce(work);
      } catch (failure) {
        if (!isRetryable(failure) || attempt >= MAX_ATTEMPTS) throw failure;
        await pause(attempt);
      }
    }
  }

  private async transactionOnce<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect(this.pool);
    let broken = false;
    // A checked-out connection that the server drops between two queries reports it as an event; without this
    // listener that event would be an uncaught error that ends the process. The next query then fails, and is
    // answered 503.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (failure) {
      broken = isConnectionFailure(failure);
      if (!broken) await client.query('ROLLBACK').catch(() => {});
      throw broken || isRefusedByDatabase(failure) ? new StoreUnavailableError(failure) : failure;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** A connection of `pool` for a transaction; refused for the database's limit, one the pool holds (as `query`). */
  private async connect(pool: pg.Pool): Promise<pg.PoolClient> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await pool.connect();
      } catch (failure) {
        if (attempt < MAX_ATTEMPTS && this.waitForHeldConnection(pool, failure)) continue;
        throw new StoreUnavailableError(failure);
      }
    }
  }

  async close() {
    for (const { timer } of this.holds.values()) clearTimeout(timer);
    await Promise.all([this.pool.end(), this.activityPool.end(), this.readPool.end()]);
  }
}

/** A name as an SQL identifier: quoted, so that any schema name works as given (capitals, spaces, quotes). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A value in the startup `options` string, which PostgreSQL splits at whitespace unless escaped by a backslash. */
function startupOptionValue(value: string): string {
  return value.replace(/[\\\s]/g, '\\$&');
}

function redact(connectionString: string): string {
  return connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
