/**
 * A server for the benchmark: the real app (createApp) as production runs it (response validation off), on the
 * memory or PostgreSQL store, with the demo data, optional activity rows for john_doe (and, on PostgreSQL, for
 * jane_roe: the heavy user), and optionally a spec with several times the operations. Prints one JSON line
 * `{ url, jwt, heavyJwt, jwts, token }` when it listens (`jwts`: four demo users who may write a vault), and `{ statements }` (PostgreSQL statements sent so far) on
 * SIGUSR2, which costs the requests nothing.
 *
 * env: BENCH_STORE=memory|postgres, BENCH_SPEC_TIMES=1|4|16, BENCH_ACTIVITY_ROWS=100000, BENCH_HEAVY_ROWS=1000000,
 * DATABASE_URL, DATABASE_SCHEMA
 */
import { serve } from '@hono/node-server';
import { digestApiToken, generateApiToken } from '../src/auth/api-tokens.js';
import { sessionKey, signSessionJwt } from '../src/auth/session-jwt.js';
import { newId } from '../src/domain/ids.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/log.js';
import { loadSpec } from '../src/spec/operations.js';
import { createStore } from '../src/store/create-store.js';
import { demoData, DEMO_USERS } from '../src/store/demo-data.js';
import { PostgresStore } from '../src/store/postgres/index.js';
import type { Store } from '../src/store/types.js';
import { multiplyHandlers, multiplySpec } from './synthetic-spec.js';
import { handlers } from '../src/handlers/index.js';

const JWT_SECRET = 'benchmark-secret-benchmark-secret-0000';
const john = DEMO_USERS.john_doe.id;

async function seedActivity(store: Store, rows: number, userId: string = john, idOffset = 0) {
  const now = Date.now();
  if (store instanceof PostgresStore) {
    // generate_series writes 100k rows in a couple of seconds (the rollup trigger included); the memory store takes
    // them one by one. Every 10th is a 404, every 7th a POST; 10 ms apart up to 100k rows (john_doe's log, as in
    // earlier runs), spread over 29 days beyond that (the heavy user's million: one every 2.5 s).
    const spacingMs = rows > 100_000 ? Math.floor((29 * 86_400_000) / rows) : 10;
    await store.pool.query(
      `INSERT INTO activity (id, user_id, realm_id, method, path, status_code, ip_address, user_agent, created_at)
       SELECT lpad(to_hex(i + $5), 24, '0'), $1, '', CASE WHEN i % 7 = 0 THEN 'POST' ELSE 'GET' END, '/api/v1/users/' || $1,
              CASE WHEN i % 10 = 0 THEN 404 ELSE 200 END, '127.0.0.1', 'bench', to_timestamp(($2::bigint - i::bigint * $4::bigint) / 1000.0)
       FROM generate_series(1, $3) AS i`,
      [userId, now, rows, spacingMs, idOffset],
    );
    return;
  }
  for (let i = rows; i > 0; i -= 1) {
    await store.appendActivity({
      id: newId(now),
      user_id: john,
      realm_id: '',
      method: 'GET',
      path: `/api/v1/users/${john}`,
      status_code: i % 10 ? 200 : 404,
      ip_address: '127.0.0.1',
      user_agent: 'bench',
      created_at: new Date(now - i * 10).toISOString(),
    });
  }
}

const storeKind = (process.env.BENCH_STORE ?? 'memory') as 'memory' | 'postgres';
// No statement timeout: the bulk load of a million activity rows and its VACUUM take longer than a request may.
const store = await createStore({
  store: storeKind,
  databaseUrl: process.env.DATABASE_URL,
  databaseSchema: process.env.DATABASE_SCHEMA,
  databaseStatementTimeoutMs: 0,
});
await store.seed(demoData());
await seedActivity(store, Number(process.env.BENCH_ACTIVITY_ROWS ?? 0));
const heavyRows = Number(process.env.BENCH_HEAVY_ROWS ?? 0);
if (heavyRows > 0 && store instanceof PostgresStore) {
  await seedActivity(store, heavyRows, DEMO_USERS.jane_roe.id, 1 << 30);
  // Vacuumed and analysed as a database in steady state is: otherwise autovacuum takes a core for a while in the
  // middle of the measurements (seen in one run as a tenfold drop in three rows).
  await store.pool.query('VACUUM (ANALYZE) activity, activity_by_day, activity_by_hour, activity_by_minute');
}
const plain = generateApiToken();
const at = new Date().toISOString();
await store.createToken(
  {
    id: newId(),
    user_id: john,
    token_digest: digestApiToken(plain),
    public_key: null,
    public_storage: null,
    ip_whitelist: ['*'],
    realm_ids: [],
    allow_no_realm: true,
    permissions: { users: { read: true } },
    expires_at: null,
    is_enabled: true,
    vault_access: false,
    event_access: true,
    last_used_at: null,
    last_used_ip: null,
    created_at: at,
    updated_at: at,
  },
  ['Benchmark'],
);
const times = Number(process.env.BENCH_SPEC_TIMES ?? 1);
const spec = multiplySpec(loadSpec(), times);
const app = await createApp({
  spec,
  store,
  handlers: multiplyHandlers(handlers, times),
  config: {
    jwtSecret: JWT_SECRET,
    trustProxyHops: 0,
    validateResponses: false,
    corsOrigins: [],
    maxInflightBodyBytes: 256 * 1024 * 1024,
    rateLimits: { perCredential: 1e9, perIp: 1e9, authFailuresPerIp: 1e9, windowSeconds: 60 },
  },
  logger: createLogger('error'),
});
const jwt = await signSessionJwt(sessionKey(JWT_SECRET), john);
const heavyJwt = await signSessionJwt(sessionKey(JWT_SECRET), DEMO_USERS.jane_roe.id);
// The demo users who may write a vault (not the banned one), for writes spread across users.
const writers = [DEMO_USERS.admin, DEMO_USERS.john_doe, DEMO_USERS.jane_roe, DEMO_USERS.otp_olivia];
const jwts = await Promise.all(writers.map((user) => signSessionJwt(sessionKey(JWT_SECRET), user.id)));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${info.port}`, jwt, heavyJwt, jwts, token: plain }) + '\n');
});
process.on('SIGUSR2', () => {
  process.stdout.write(JSON.stringify({ statements: store instanceof PostgresStore ? store.statements : 0 }) + '\n');
});
// Exit normally on a signal, so that `node --cpu-prof` can write its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
