/**
 * The targets the contract suite runs against: Prism's mock of the spec (started in-process with
 * scripts/mock/server.ts, what `npm run mock` runs, on a free port of 127.0.0.1), the real server in-process on the memory store, and the
 * real server on PostgreSQL when DATABASE_URL is set. Every response is checked against the spec independently.
 */
import { createLogger } from '@stoplight/prism-core';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http';
import { createServer } from '@stoplight/prism-http-server';
import { answeredApi, type AnsweredApi as HoodyApi } from '../support/answered.js';
import { startMock } from '../../scripts/mock/server.js';
import { SPEC_PATH } from '../../src/spec/operations.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { DATABASE_URL, makePostgresStore } from '../support/postgres.js';
import { generateApiToken } from '../../src/auth/api-tokens.js';
import { sessionKey, signSessionJwt } from '../../src/auth/session-jwt.js';
import { startServerProcess } from '../support/process.js';
import { assertContract } from '../support/response-contract.js';
import { startTestServer, type DemoUser, type TestServer } from '../support/server.js';

/**
 * Who calls: a demo user (session JWT), nobody, an API token of john_doe with every right (`token`), or a credential
 * made to fail one check: `expired` JWT, `garbage` token, `basic` (not a Bearer header), a token with no rights,
 * one bound to 10.0.0.1, one bound to a realm the request is not in, one that needs a realm.
 */
export type Persona =
  DemoUser | 'anonymous' | 'token' | 'expired' | 'garbage' | 'basic' | 'no-rights-token' | 'ip-bound-token' | 'realm-bound-token' | 'realm-required-token';
type Result = { response?: Response | undefined; data?: unknown; error?: unknown };
export type Target = {
  name: string;
  kind: 'mock' | 'server';
  client(persona: Persona, headers?: Record<string, string>): Promise<HoodyApi>;
  /** The real server behind the target, for fixtures; absent for the mock. */
  server?: TestServer;
  /**
   * The SDK for a caller who has used up their quota, so that the next request answers 429: on an in-process target
   * a second app on the same store with a quota of 1 per credential; behind the proxy, otp_olivia's quota is used
   * up first with direct requests to the server.
   */
  exhaustedClient(): Promise<HoodyApi>;
  /** Violations a validating proxy reported (its `sl-violations` header). */
  violations?: string[];
  /** A GET with the persona's credential, for what the SDK cannot send (a query parameter no operation takes). */
  rawGet?(persona: Persona, pathAndQuery: string): Promise<Result>;
  close(): Promise<void>;
};

/** A fetch that checks every response against the spec before handing it to the SDK. */
function contractFetch(inner: (request: Request) => Promise<Response>) {
  return (async (request: Request) => {
    const response = await inner(request);
    await assertContract(request, response);
    return response;
  }) as unknown as typeof fetch;
}

/** The contract mock exactly as `npm run mock` runs it (Prism behind its scenario and CORS front). */
export async function startPrism(): Promise<Target> {
  const prism = await startMock();
  const baseUrl = prism.url;
  const fetch = contractFetch((request) => globalThis.fetch(request));
  return {
    name: 'Prism mock',
    kind: 'mock',
    async client(persona, headers = {}) {
      return answeredApi({ baseUrl, token: persona === 'anonymous' ? undefined : 'mock-credential', fetch, headers });
    },
    async exhaustedClient() {
      return answeredApi({ baseUrl, token: 'mock-credential', fetch, headers: { Prefer: 'code=429' } });
    },
    close: () => prism.close(),
  };
}

/**
 * Prism as a validation proxy in front of the real server (a started process): it forwards every request and checks
 * every answer against the spec. With `errors` on, a violation replaces the answer with Prism's own error, and
 * Prism reports violations in an `sl-violations` header: either fails the test.
 */
/** The proxied server's quota per credential: room for every scenario, small enough to use up in a test. */
const PROXY_QUOTA = 1000;

export async function startPrismProxy(): Promise<Target> {
  const secret = 'contract-proxy-secret-contract-proxy-secret';
  // Every request reaches the server from the proxy's address, so only the per-credential quota is realistic here.
  const upstream = await startServerProcess({
    JWT_SECRET: secret,
    RATE_LIMIT_PER_CREDENTIAL: String(PROXY_QUOTA),
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_AUTH_FAILURES: '1000000',
  });
  const operations = await getHttpOperationsFromSpec(SPEC_PATH);
  const prism = createServer(operations, {
    cors: false,
    config: {
      isProxy: true,
      upstream: new URL(upstream.url),
      checkSecurity: false,
      validateRequest: false,
      validateResponse: true,
      errors: true,
      mock: { dynamic: false },
    } as never,
    components: { logger: createLogger('PROXY', { level: 'silent' }) },
  });
  const baseUrl = await prism.listen(0, '127.0.0.1');
  const violations: string[] = [];
  const fetch = contractFetch(async (request) => {
    const response = await globalThis.fetch(request);
    const reported = response.headers.get('sl-violations');
    if (reported) violations.push(reported);
    return response;
  });
  let apiToken: string | undefined;
  const key = sessionKey(secret);
  const credential = async (persona: Persona) => {
    if (persona === 'anonymous') return undefined;
    if (persona === 'token') {
      if (!apiToken) {
        const api = answeredApi({ baseUrl, token: await signSessionJwt(key, DEMO_USERS.john_doe.id), fetch });
        apiToken = (
          await api.authTokens.create({
            data: { alias: 'Proxy API token', permission_template: 'full_access', vault_access: true, public_key: 'd'.repeat(64) },
          })
        ).data!.data.token;
      }
      return apiToken;
    }
    return signSessionJwt(key, DEMO_USERS[persona as DemoUser].id);
  };
  return {
    name: 'Prism proxy -> server',
    kind: 'server',
    violations,
    async client(persona, headers = {}) {
      return answeredApi({ baseUrl, token: await credential(persona), fetch, headers });
    },
    async exhaustedClient() {
      const token = await credential('otp_olivia');
      // Direct requests until the server refuses. A window that ends within 3 s is not enough: the call that follows
      // could land in the next one (seen once in CI: 403 where 429 was due), so then the next window is filled instead.
      // Bounded: two windows' worth of requests.
      for (let i = 0; i <= 2 * PROXY_QUOTA + 1; i += 1) {
        const response = await globalThis.fetch(`${upstream.url}/api/v1/users/${DEMO_USERS.otp_olivia.id}`, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        if (response.status !== 429) continue;
        const windowEndsInSeconds = Number(response.headers.get('retry-after'));
        if (windowEndsInSeconds > 3) break;
        await new Promise((resolve) => setTimeout(resolve, windowEndsInSeconds * 1000 + 100));
      }
      return answeredApi({ baseUrl, token, fetch });
    },
    async rawGet(persona, pathAndQuery) {
      const token = await credential(persona);
      const response = await fetch(new Request(`${baseUrl}${pathAndQuery}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
      const body = await response.clone().json();
      return { response, ...(response.ok ? { data: body } : { error: body }) };
    },
    async close() {
      await prism.close();
      await upstream.stop();
    },
  };
}

const TOKEN_PERSONAS: Record<string, Record<string, unknown>> = {
  token: { public_key: 'c'.repeat(64) },
  'no-rights-token': { permission_template: undefined, permissions: {}, vault_access: false },
  'ip-bound-token': { ip_whitelist: ['10.0.0.1'] },
  'realm-bound-token': { realm_ids: ['507f1f77bcf86cd799439013'] },
  'realm-required-token': { allow_no_realm: false },
};
/** Where each persona calls from: the realm-bound token calls in another realm, the IP-bound one from elsewhere. */
const PERSONA_REQUEST: Partial<Record<Persona, { baseUrl?: string; headers?: Record<string, string> }>> = {
  'realm-bound-token': { baseUrl: 'http://507f1f77bcf86cd799439012.api.test' },
  'ip-bound-token': { headers: { 'X-Forwarded-For': '192.168.1.2' } },
  basic: { headers: { Authorization: 'Basic am9objpwYXNzd29yZA==' } },
};

export async function startServerTarget(kind: 'memory' | 'postgres'): Promise<Target> {
  const server = await startTestServer({ store: kind === 'memory' ? new MemoryStore() : await makePostgresStore(), coverageSet: 'contract-coverage' });
  const limited = await startTestServer({ store: server.store, seed: false, rateLimits: { perCredential: 1 }, coverageSet: 'contract-coverage' });
  const tokens = new Map<Persona, string>();
  const credential = async (persona: Persona): Promise<string | undefined> => {
    if (persona === 'anonymous' || persona === 'basic') return undefined;
    if (persona === 'garbage') return generateApiToken();
    if (persona === 'expired') return server.jwtFor('john_doe', -60);
    if (persona in TOKEN_PERSONAS) {
      if (!tokens.has(persona)) tokens.set(persona, (await server.token('john_doe', { alias: `Contract ${persona}`, ...TOKEN_PERSONAS[persona] })).token);
      return tokens.get(persona);
    }
    return server.jwtFor(persona as DemoUser);
  };
  return {
    name: `server (${kind})`,
    kind: 'server',
    server,
    async client(persona, headers = {}) {
      const where = PERSONA_REQUEST[persona] ?? {};
      return server.as({ token: await credential(persona) }, { baseUrl: where.baseUrl, headers: { ...where.headers, ...headers } });
    },
    async exhaustedClient() {
      // john_doe has made more than one request in this window already; the second app allows one.
      await limited.as('john_doe').then((api) => api.users.get({ id: DEMO_USERS.john_doe.id }));
      return limited.as('john_doe');
    },
    async rawGet(persona, pathAndQuery) {
      const token = await credential(persona);
      const response = await server.fetch(new Request(`http://localhost${pathAndQuery}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
      const body = await response.clone().json();
      return { response, ...(response.ok ? { data: body } : { error: body }) };
    },
    async close() {
      await server.store.close();
    },
  };
}

export const TARGET_KINDS = ['mock', 'memory', 'proxy', ...(DATABASE_URL ? (['postgres'] as const) : [])] as const;
export const JOHN = DEMO_USERS.john_doe.id;
