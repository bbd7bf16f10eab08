/** Server configuration, from environment variables only (documented in the README). */
import { randomBytes } from 'node:crypto';
import type { LogLevel } from './log.js';
import type { RateLimitConfig } from './pipeline/rate-limits.js';
import { RECONCILE_INTERVAL_MS } from './pipeline/quota-counter.js';
import { DEFAULT_MAX_CONNECTIONS, MIN_MAX_CONNECTIONS } from './store/postgres/connection-budget.js';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from './store/postgres/connection.js';

export type Config = {
  port: number;
  host: string;
  jwtSecret: string;
  /** True when JWT_SECRET was not set and a random one was made for this process. */
  jwtSecretGenerated: boolean;
  store: 'memory' | 'postgres';
  databaseUrl: string | undefined;
  /** A PostgreSQL schema to use instead of `public`. */
  databaseSchema: string | undefined;
  /** PostgreSQL: the most connections one process opens (connection-budget.ts splits them among its pools). */
  databaseMaxConnections: number;
  /** PostgreSQL: milliseconds a statement may wait for one lock before it gives up and the request answers 503; 0: none. */
  databaseLockTimeoutMs: number;
  /** PostgreSQL: milliseconds a statement may run before it is cancelled and the request answers 503; 0: none. */
  databaseStatementTimeoutMs: number;
  /** How many proxies in front of the server to trust for X-Forwarded-For (0: ignore the header). */
  trustProxyHops: number;
  logLevel: LogLevel;
  production: boolean;
  /** Validate every response against the spec (default on outside production). */
  validateResponses: boolean;
  /** Seed the store with the demo data (always for the memory store unless SEED=none). */
  seedDemo: boolean;
  rateLimits: RateLimitConfig;
  /** The bytes all request bodies being read at once may hold; past it a request answers 503. */
  maxInflightBodyBytes: number;
  /**
   * Origins allowed to read answers from a browser (CORS): exact origins, `scheme://host:*` for any port, or `*`
   * (outside production only). None by default; the dev server allows localhost on any port.
   */
  corsOrigins: string[];
  /** The stateful dev server (`npm run dev`): never with NODE_ENV=production. */
  dev: boolean;
  /** Dev server only: milliseconds every answer is delayed (a request's `Dev-Latency` header overrides it). */
  devLatencyMs: number;
  /** Server processes sharing the port (node:cluster); more than one needs the PostgreSQL store. */
  workers: number;
};

/**
 * The dev server's JWT secret when JWT_SECRET is not set: fixed, so the demo JWTs it prints survive restarts. It is
 * public, which is why the dev server refuses to start with NODE_ENV=production.
 */
export const DEV_JWT_SECRET = 'hoody-dev-server-secret-not-for-production-use';
const DEV_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): Config {
  const production = env.NODE_ENV === 'production';
  if (production && !env.JWT_SECRET) throw new Error('JWT_SECRET must be set when NODE_ENV=production');
  if (env.JWT_SECRET !== undefined && env.JWT_SECRET.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
  const store = (env.STORE ?? 'memory') as Config['store'];
  if (store !== 'memory' && store !== 'postgres') throw new Error(`STORE must be memory or postgres, not ${store}`);
  const seedFlag = argv.includes('--seed') ? argv[argv.indexOf('--seed') + 1] : env.SEED;
  const dev = argv.includes('--dev');
  if (dev && production) throw new Error('the dev server (--dev) never runs with NODE_ENV=production');
  if (dev && store !== 'memory') throw new Error('the dev server (--dev) runs on the memory store; unset STORE');
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (production && corsOrigins.includes('*')) throw new Error('CORS_ORIGINS=* is refused with NODE_ENV=production: list the origins');
  const workers = positive(env.WORKERS, 1, 'WORKERS');
  if (workers > 1 && store !== 'postgres') throw new Error('WORKERS above 1 needs STORE=postgres: each worker would have a memory store of its own');
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    jwtSecret: env.JWT_SECRET ?? (dev ? DEV_JWT_SECRET : randomBytes(32).toString('base64url')),
    jwtSecretGenerated: env.JWT_SECRET === undefined && !dev,
    store,
    databaseUrl: env.DATABASE_URL,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    databaseMaxConnections: atLeast(env.DATABASE_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, MIN_MAX_CONNECTIONS, 'DATABASE_MAX_CONNECTIONS'),
    databaseLockTimeoutMs: nonNegative(env.DATABASE_LOCK_TIMEOUT_MS, DEFAULT_LOCK_TIMEOUT_MS, 'DATABASE_LOCK_TIMEOUT_MS'),
    databaseStatementTimeoutMs: nonNegative(env.DATABASE_STATEMENT_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, 'DATABASE_STATEMENT_TIMEOUT_MS'),
    trustProxyHops: parseTrustProxy(env.TRUST_PROXY),
    logLevel: (env.LOG_LEVEL ?? 'info') as LogLevel,
    production,
    validateResponses: env.VALIDATE_RESPONSES ? env.VALIDATE_RESPONSES === 'true' : !production,
    seedDemo: seedFlag ? seedFlag === 'demo' : store === 'memory',
    rateLimits: {
      perCredential: positive(env.RATE_LIMIT_PER_CREDENTIAL, 600, 'RATE_LIMIT_PER_CREDENTIAL'),
      perIp: positive(env.RATE_LIMIT_PER_IP, 1200, 'RATE_LIMIT_PER_IP'),
      // The dev server relaxes the lockout: a stale token retried by an app must not lock its developer out.
      authFailuresPerIp: positive(env.RATE_LIMIT_AUTH_FAILURES, dev ? 1_000_000 : 20, 'RATE_LIMIT_AUTH_FAILURES'),
      windowSeconds: positive(env.RATE_LIMIT_WINDOW_SECONDS, 60, 'RATE_LIMIT_WINDOW_SECONDS'),
      syncIntervalMs: positive(env.RATE_LIMIT_SYNC_MS, RECONCILE_INTERVAL_MS, 'RATE_LIMIT_SYNC_MS'),
    },
    maxInflightBodyBytes: positive(env.MAX_INFLIGHT_BODY_BYTES, 256 * 1024 * 1024, 'MAX_INFLIGHT_BODY_BYTES'),
    corsOrigins: dev ? [...DEV_ORIGINS, ...corsOrigins] : corsOrigins,
    dev,
    devLatencyMs: dev ? nonNegative(env.DEV_LATENCY_MS, 0, 'DEV_LATENCY_MS') : 0,
    workers,
  };
}

/** `TRUST_PROXY`: unset/false = 0 hops, true = 1 hop, or a number of hops. */
function parseTrustProxy(value: string | undefined): number {
  if (!value || value === 'false') return 0;
  if (value === 'true') return 1;
  const hops = Number(value);
  if (!Number.isInteger(hops) || hops < 0) throw new Error(`TRUST_PROXY must be true, false or a number of hops, not ${value}`);
  return hops;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  return atLeast(value, fallback, 1, name);
}

function atLeast(value: string | undefined, fallback: number, minimum: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) {
    throw new Error(`${name} must be ${minimum === 1 ? 'a positive integer' : `a whole number of at least ${minimum}`}, not ${value}`);
  }
  return parsed;
}

function nonNegative(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number of milliseconds, not ${value}`);
  return parsed;
}
