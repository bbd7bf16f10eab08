import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/index.js';
import { readPolicy } from '../../src/spec/policy.js';
import { loadSpec } from '../../src/spec/operations.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { sharedTestServer, startTestServer } from '../support/server.js';
import { sampleParams } from '../support/sample-calls.js';
import type { OperationId } from '../../generated/operations.gen.js';
import { withFaults } from '../support/faulty-store.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { ThrottledLog } from '../../src/pipeline/throttled-log.js';

const spec = loadSpec();
const policy = readPolicy(spec);
const server = sharedTestServer();
let jwt: string;
let apiToken: string;
beforeAll(async () => {
  jwt = await server.jwtFor('john_doe');
  apiToken = (await server.token('john_doe', { alias: 'Pipeline' })).token;
});

/** A concrete URL for an operation's path template. */
function urlOf(path: string) {
  return `http://localhost${path.replace('{id}', '6650ffffffffffffffffffff').replace('{key}', 'k').replace('{public_key}', 'a'.repeat(64))}`;
}

async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string>; token?: string } = {}) {
  const response = await server.fetch(
    new Request(urlOf(path), { method, body: init.body, headers: { authorization: `Bearer ${init.token ?? jwt}`, ...init.headers } }),
  );
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe('failures outside the handlers answer the envelope', () => {
  it('an unknown route answers 404 NOT_FOUND, a wrong method 405 with Allow', async () => {
    expect(await send('GET', '/api/v1/nothing')).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' } });
    const wrong = await send('PUT', '/api/v1/vault/keys/{key}');
    expect(wrong).toMatchObject({ status: 405, body: { code: 'METHOD_NOT_ALLOWED' } });
    expect(wrong.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'PATCH']);
  });

  it('a known path answers 405 to each method no operation serves there, its Allow naming exactly those served', async () => {
    // A server of its own: the served methods are called for real (DELETE /api/v1/vault empties the vault).
    const own = await startTestServer();
    const ownJwt = await own.jwtFor('john_doe');
    // Every template, and paths that fit two templates at once (`public-profiles` as a token id, `add-realm` as a
    // public key; `me` as a token id).
    const paths = [
      ...new Set([...policy.operations.values()].map((op) => op.path)),
      '/api/v1/auth/tokens/public-profiles/add-realm',
      '/api/v1/auth/tokens/me/copy',
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    for (const path of paths) {
      const answers = await Promise.all(
        methods.map(async (method) => {
          const response = await own.fetch(new Request(urlOf(path), { method, headers: { authorization: `Bearer ${ownJwt}` } }));
          return { method, status: response.status, body: await response.json(), headers: response.headers };
        }),
      );
      const refused = answers.filter((answer) => answer.status === 405);
      const served = answers.filter((answer) => answer.status !== 405).map((answer) => answer.method);
      expect(refused.length, path).toBeGreaterThan(0);
      for (const answer of refused) {
        expect(answer.body, `${answer.method} ${path}`).toMatchObject({ statusCode: 405, code: 'METHOD_NOT_ALLOWED' });
        expect(answer.headers.get('allow')?.split(', ').sort(), `${answer.method} ${path}`).toEqual(served.sort());
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      }
    }
    // `/auth/tokens/me` fits `/auth/tokens/{id}` too: DELETE and PATCH are served there (as a token id), so named.
    expect((await send('PUT', '/api/v1/auth/tokens/me')).headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'PATCH']);
    expect(await send('GET', '/api/v1/users/me/retry-setup/extra')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    // A trailing slash or an empty segment fits no template, as the router sees it.
    expect(await send('PUT', '/api/v1/vault/keys/k/')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await send('PUT', '/api/v1/vault/keys/')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  const withBody = [...policy.operations.values()].filter((op) => op.hasBody);

  it.each(withBody.map((op) => [op.operationId, op] as const))('%s: malformed JSON and a non-JSON body answer 400 VALIDATION_ERROR', async (_id, op) => {
    const token = op.tokenOnly ? apiToken : undefined;
    expect(await send(op.method, op.path, { token, body: '{"alias": ', headers: { 'content-type': 'application/json' } })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR', details: [{ field: 'body', message: 'is not valid JSON' }] },
    });
    expect(await send(op.method, op.path, { token, body: 'alias=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR' },
    });
  });

  it.each(withBody.map((op) => [op.operationId, op] as const))('%s: a body over its limit answers 413 PAYLOAD_TOO_LARGE', async (_id, op) => {
    const body = JSON.stringify({ value: 'x'.repeat(op.bodyLimitBytes) });
    expect(await send(op.method, op.path, { body, headers: { 'content-type': 'application/json' }, token: op.tokenOnly ? apiToken : undefined })).toMatchObject(
      {
        status: 413,
        body: { statusCode: 413, error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE' },
      },
    );
  });

  it.each([...policy.operations.values()].map((op) => [op.operationId, op] as const))(
    '%s: an unknown query parameter answers 400 VALIDATION_ERROR',
    async (_id, op) => {
      const body = op.hasBody
        ? { body: JSON.stringify(sampleParams(op.operationId as OperationId).data ?? {}), headers: { 'content-type': 'application/json' } }
        : {};
      const result = await send(op.method, `${op.path}?unknown_param=1`, { ...body, token: op.tokenOnly ? apiToken : undefined });
      expect(result).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_ERROR', details: expect.arrayContaining([{ field: 'query.unknown_param', message: 'unknown query parameter' }]) },
      });
    },
  );

  it('serves the bundled spec at /openapi.json', async () => {
    const response = await server.fetch(new Request('http://localhost/openapi.json'));
    expect(await response.json()).toEqual(spec);
  });
});

describe('response validation', () => {
  it('catches a handler answer that breaks the spec: 500, and a log line naming the operation and the field', async () => {
    const { store, inject } = withFaults(new MemoryStore());
    const logLines: string[] = [];
    const broken = await startTestServer({ store, logLines });
    // A store that hands back a corrupted record makes users.get answer a user whose email is not an email.
    inject('getUser', (getUser) => async (id) => {
      const user = await getUser(id);
      return user && { ...user, email: id === DEMO_USERS.jane_roe.id ? 'not-an-email' : user.email };
    });
    const result = await (await broken.as('jane_roe')).users.get({ id: DEMO_USERS.jane_roe.id });
    expect(result.response.status).toBe(500);
    expect(result.error).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'Internal server error' });
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'response does not match the spec');
    expect(line).toMatchObject({ level: 'error', operationId: 'users.get', status: 200 });
    expect(line.problems.join(' ')).toContain('/data/email');
  });

  it('an unexpected exception answers 500 without internals, and is logged with its stack', async () => {
    const { store, inject } = withFaults(new MemoryStore());
    const logLines: string[] = [];
    const failing = await startTestServer({ store, logLines });
    inject('listTokens', () => async () => {
      throw new Error('connection reset by peer at 10.1.2.3');
    });
    const result = await (await failing.as('jane_roe')).authTokens.list();
    expect(result.response.status).toBe(500);
    expect(JSON.stringify(result.error)).not.toMatch(/10\.1\.2\.3|at |Error:/);
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'unexpected failure');
    expect(line).toMatchObject({ level: 'error', operationId: 'authTokens.list' });
    expect(line.error).toContain('connection reset by peer');
  });
});

describe('store unavailable: one log line a second, not one a request', () => {
  it('an outage answers every request 503 and logs the first at once, then how many more, a second later', async () => {
    const { store, inject } = withFaults(new MemoryStore());
    const logLines: string[] = [];
    const server = await startTestServer({ store, logLines });
    inject('listTokens', () => async () => {
      throw new StoreUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    });
    const api = await server.as('jane_roe');
    const statuses = await Promise.all(Array.from({ length: 50 }, () => api.authTokens.list().then((result) => result.response.status)));
    expect(statuses).toEqual(Array(50).fill(503));
    const lines = () => logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'store unavailable');
    // 50 refusals in well under a second: the first line at once (a slower run may add one more line a second).
    expect(lines().length).toBeGreaterThanOrEqual(1);
    expect(lines()[0]).toMatchObject({ level: 'error', operationId: 'authTokens.list', error: 'store unavailable: connect ECONNREFUSED 127.0.0.1:5432' });
    expect(lines()[0].count).toBeUndefined();
    // A second after the last line, the rest are counted in one more: every refusal is in the count, no line repeats.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(lines().length).toBeLessThanOrEqual(4);
    expect(lines().reduce((total, line) => total + (line.count ?? 1), 0)).toBe(50);
  });

  it('writes again at once after a quiet interval, and counts what it left out in between', () => {
    const written: Record<string, unknown>[] = [];
    let now = 0;
    const log = new ThrottledLog(
      (fields) => written.push(fields),
      1000,
      () => now,
    );
    log.report({ n: 1 });
    now = 400;
    log.report({ n: 2 });
    log.report({ n: 3 });
    now = 1500;
    log.report({ n: 4 });
    now = 3000;
    log.report({ n: 5 });
    expect(written).toEqual([{ n: 1 }, { n: 4, count: 3 }, { n: 5 }]);
  });
});
