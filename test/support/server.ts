/**
 * An in-process server for tests: the real app on a fresh, demo-seeded store, called through the generated SDK
 * with `fetch` routed to `app.request` (no ports). Every response is validated against the spec by the server
 * itself (response validation is on), and recorded for the coverage report.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, onTestFinished } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { handlers } from '../../src/handlers/index.js';
import { createSpecValidator } from '../../src/http/spec-validator.js';
import { createLogger } from '../../src/log.js';
import { sessionKey, signSessionJwt } from '../../src/auth/session-jwt.js';
import { loadSpec } from '../../src/spec/operations.js';
import { demoData, DEMO_USERS } from '../../src/store/demo-data.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/types.js';
import type { RateLimitConfig } from '../../src/pipeline/rate-limits.js';
import { answeredApi } from './answered.js';
import { ROOT } from './cli.js';
import { makePostgresStore } from './postgres.js';
import { assertContract } from './response-contract.js';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
const spec = loadSpec();
let sharedValidator: ReturnType<typeof createSpecValidator> | undefined;
export type DemoUser = keyof typeof DEMO_USERS;

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** Quotas high enough for any test; tests of the quotas pass their own. */
const NO_QUOTAS: RateLimitConfig = { perCredential: 1_000_000, perIp: 1_000_000, authFailuresPerIp: 1_000_000, windowSeconds: 60 };

/**
 * A store made here for a test, closed when the test ends. A PostgreSQL store keeps a connection per pool open until
 * it is closed: a file whose tests each start a server held dozens, and two such files at once passed the
 * database's 100 connections (seen in CI as "too many clients" and a 503). Made outside a test (a `beforeAll`), it
 * is its maker's to close, as `sharedTestServer` does.
 */
function closedWhenDone(store: Store): Store {
  if (expect.getState().currentTestName !== undefined) onTestFinished(() => store.close());
  return store;
}

/** The store of this test project: the postgres project of vitest.config.ts runs the same tests on a fresh schema. */
export async function makeTestStore(): Promise<Store> {
  return process.env.TEST_STORE === 'postgres' ? makePostgresStore() : new MemoryStore();
}

export async function startTestServer(
  options: {
    store?: Store;
    clock?: () => Date;
    logLines?: string[];
    trustProxyHops?: number;
    coverageSet?: string;
    rateLimits?: Partial<RateLimitConfig>;
    seed?: boolean;
    maxInflightBodyBytes?: number;
  } = {},
) {
  const store = options.store ?? closedWhenDone(await makeTestStore());
  if (options.seed !== false) await store.seed(demoData());
  const logLines = options.logLines ?? [];
  const app = await createApp({
    spec,
    store,
    handlers,
    // Every answer of an operation is recorded for the coverage tables, as the pipeline reports it.
    hooks: {
      onAnswer(answer) {
        recordCoverage(answer, COVERAGE_DIR);
        if (options.coverageSet) recordCoverage(answer, `${ROOT}test-results/${options.coverageSet}`);
      },
    },
    config: {
      jwtSecret: JWT_SECRET,
      trustProxyHops: options.trustProxyHops ?? 1,
      validateResponses: true,
      corsOrigins: ['https://app.example.com'],
      rateLimits: { ...NO_QUOTAS, ...options.rateLimits },
      maxInflightBodyBytes: options.maxInflightBodyBytes ?? 256 * 1024 * 1024,
    },
    logger: createLogger('debug', (line) => logLines.push(line)),
    clock: options.clock,
    validator: await (sharedValidator ??= createSpecValidator(spec)),
  });
  const key = sessionKey(JWT_SECRET);
  const now = () => (options.clock ? options.clock().getTime() : Date.now());

  /**
   * A fetch into the app that checks every response against the spec independently of the server (a violation
   * fails the test that made the request). The coverage report is fed by the pipeline's onAnswer hook above.
   */
  const fetch = async (request: Request) => {
    const response = await app.request(request);
    await assertContract(request, response);
    return response;
  };

  return {
    app,
    store,
    logLines,
    fetch: fetch as unknown as typeof globalThis.fetch,
    // Session JWTs are issued at the server's clock, so that tests with a fake clock get live ones.
    jwtFor: (user: DemoUser, lifetimeSeconds?: number) => signSessionJwt(key, DEMO_USERS[user].id, lifetimeSeconds, now()),
    /** The SDK as a demo user (session JWT), or with any credential. */
    async as(who: DemoUser | { token: string | undefined }, options: { headers?: Record<string, string>; baseUrl?: string } = {}) {
      const token = typeof who === 'string' ? await signSessionJwt(key, DEMO_USERS[who].id, undefined, now()) : who.token;
      return answeredApi({
        baseUrl: options.baseUrl ?? 'http://localhost',
        token,
        fetch: fetch as unknown as typeof globalThis.fetch,
        headers: options.headers,
      });
    },
    /** Creates an API token for a demo user through the API and answers its plain value and record. */
    async token(owner: DemoUser, fields: Record<string, unknown> = {}) {
      const api = answeredApi({
        baseUrl: 'http://localhost',
        token: await signSessionJwt(key, DEMO_USERS[owner].id, undefined, now()),
        fetch: fetch as unknown as typeof globalThis.fetch,
      });
      const { data, error } = await api.authTokens.create({ data: { permission_template: 'full_access', vault_access: true, ...fields } as never });
      if (!data) throw new Error(`cannot create token: ${JSON.stringify(error)}`);
      return data.data;
    },
  };
}

const COVERAGE_DIR = `${ROOT}test-results/coverage`;

/** Appends one (operation, status, code) line to a coverage table's folder. */
function recordCoverage(answer: { operationId: string; status: number; code: string | null }, dir: string) {
  mkdirSync(dir, { recursive: true });
  appendFileSync(`${dir}/${process.pid}.jsonl`, JSON.stringify(answer) + '\n');
}

/**
 * One server shared by a test file: started before its first test, its store closed after its last. The value can
 * be used at module level (`const server = sharedTestServer()`); it reaches the server once started.
 */
export function sharedTestServer(options: Parameters<typeof startTestServer>[0] = {}): TestServer {
  let instance: TestServer | undefined;
  beforeAll(async () => {
    instance = await startTestServer(options);
  });
  afterAll(async () => {
    await instance?.store.close();
  });
  return new Proxy({} as TestServer, {
    get(_target, property) {
      if (!instance) throw new Error('the shared test server is used before its beforeAll ran');
      return instance[property as keyof TestServer];
    },
  });
}
