/**
 * The targets the contract suite runs against: Prism's mock of the spec (started in-process with
 * @stoplight/prism-http-server on a free port of 127.0.0.1), the real server in-process on the memory store, and the
 * real server on PostgreSQL when DATABASE_URL is set. Every response is checked against the spec independently.
 */
import { createLogger } from '@stoplight/prism-core';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http';
import { createServer } from '@stoplight/prism-http-server';
import { createHoodyClient, type HoodyApi } from '../../src/sdk/index.js';
import { SPEC_PATH } from '../../src/spec/operations.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { DATABASE_URL, makePostgresStore } from '../support/postgres.js';
import { assertContract } from '../support/response-contract.js';
import { startTestServer, type DemoUser, type TestServer } from '../support/server.js';

export type Persona = DemoUser | 'anonymous' | 'token';
type Result = { response: Response; data?: unknown; error?: unknown };
export type Target = {
  name: string;
  kind: 'mock' | 'server';
  client(persona: Persona, headers?: Record<string, string>): Promise<HoodyApi>;
  /** The real server behind the target, for fixtures; absent for the mock. */
  server?: TestServer;
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

export async function startPrism(): Promise<Target> {
  const operations = await getHttpOperationsFromSpec(SPEC_PATH);
  const prism = createServer(operations, {
    cors: true,
    config: { checkSecurity: true, validateRequest: true, validateResponse: true, errors: false, mock: { dynamic: false }, isProxy: false } as never,
    components: { logger: createLogger('CONTRACT', { level: 'silent' }) },
  });
  const baseUrl = await prism.listen(0, '127.0.0.1');
  const fetch = contractFetch((request) => globalThis.fetch(request));
  return {
    name: 'Prism mock',
    kind: 'mock',
    async client(persona, headers = {}) {
      return createHoodyClient({ baseUrl, token: persona === 'anonymous' ? undefined : 'mock-credential', fetch, headers }).api;
    },
    close: () => prism.close(),
  };
}

export async function startServerTarget(kind: 'memory' | 'postgres'): Promise<Target> {
  const server = await startTestServer({ store: kind === 'memory' ? new MemoryStore() : await makePostgresStore() });
  let apiToken: string | undefined;
  const credential = async (persona: Persona) => {
    if (persona === 'anonymous') return undefined;
    if (persona === 'token') return (apiToken ??= (await server.token('john_doe', { alias: 'Contract API token', public_key: 'c'.repeat(64) })).token);
    return server.jwtFor(persona);
  };
  return {
    name: `server (${kind})`,
    kind: 'server',
    server,
    async client(persona, headers = {}) {
      return server.as({ token: await credential(persona) }, { headers });
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

export const TARGET_KINDS = ['mock', 'memory', ...(DATABASE_URL ? (['postgres'] as const) : [])] as const;
export const JOHN = DEMO_USERS.john_doe.id;
