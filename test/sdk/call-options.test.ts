/**
 * What a user of the SDK relies on beyond the call shape: per-call options (signal, headers, timeout,
 * throwOnError), failures split into API errors and transport failures, and the auth hooks. Against a real HTTP
 * server on 127.0.0.1 with the platform's fetch, so aborts and refused connections are the real thing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHoodyClient, HoodyApiError, HoodyTransportError, isTransportError } from '@hoody/sdk';

const ID = '507f1f77bcf86cd799439011';
const USER = { statusCode: 200, message: 'ok', data: { id: ID, username: 'john_doe' } };
const expired = { statusCode: 401, error: 'Unauthorized', code: 'TOKEN_EXPIRED', message: 'Token expired' };
let server: Server;
let baseUrl: string;
const seen: Array<{ url: string; authorization?: string; prefer?: string; trace?: string }> = [];

/** Answers by path: /slow waits 2 s, /html is a proxy's error page, an `old` token is expired. */
function answer(request: IncomingMessage, response: ServerResponse) {
  seen.push({
    url: request.url!,
    authorization: request.headers.authorization,
    prefer: request.headers.prefer as string,
    trace: request.headers['x-trace'] as string,
  });
  const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (request.headers.authorization === 'Bearer old') return json(401, expired);
  if (request.url!.includes('bbbbbbbbbbbbbbbbbbbbbbbb')) return response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
  if (request.url!.includes('cccccccccccccccccccccccc')) return setTimeout(() => json(200, USER), 2_000).unref();
  if (request.headers.prefer === 'example=USER_NOT_FOUND')
    return json(404, { statusCode: 404, error: 'Not Found', code: 'USER_NOT_FOUND', message: 'User not found' });
  json(200, USER);
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('per-call options', () => {
  it('headers apply to one call only (a mock scenario per call)', async () => {
    const api = createHoodyClient({ baseUrl, token: 't' }).api;
    const missing = await api.users.get({ id: ID }, { headers: { Prefer: 'example=USER_NOT_FOUND' } });
    const found = await api.users.get({ id: ID });
    expect([missing.error?.code, missing.response?.status, found.data?.data.id]).toEqual(['USER_NOT_FOUND', 404, ID]);
  });

  it("an aborted signal (TanStack Query's queryFn: ({ signal })) ends the call as ABORTED, and throws with throwOnError", async () => {
    const api = createHoodyClient({ baseUrl, token: 't' }).api;
    const controller = new AbortController();
    const queryFn = ({ signal }: { signal: AbortSignal }) =>
      api.users.get({ id: 'cccccccccccccccccccccccc' }, { signal, throwOnError: true }).then((r) => r.data);
    const started = Date.now();
    const pending = queryFn({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const thrown = await pending.catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(HoodyTransportError);
    expect((thrown as HoodyTransportError).code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a timeout ends the call as TIMEOUT with no response', async () => {
    const api = createHoodyClient({ baseUrl, token: 't', timeout: 5_000 }).api;
    const result = await api.users.get({ id: 'cccccccccccccccccccccccc' }, { timeout: 100 });
    expect(isTransportError(result.error)).toBe(true);
    expect([result.error?.code, result.response]).toEqual(['TIMEOUT', undefined]);
  });

  it('throwOnError on the client throws HoodyApiError with the envelope; a call can turn it off', async () => {
    const api = createHoodyClient({ baseUrl, token: 't', throwOnError: true }).api;
    const { data } = await api.users.get({ id: ID });
    expect(data.data.id).toBe(ID); // typed as present: no `?.`
    const thrown = await api.users.get({ id: ID }, { headers: { Prefer: 'example=USER_NOT_FOUND' } }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(HoodyApiError);
    expect([(thrown as HoodyApiError).code, (thrown as HoodyApiError).status]).toEqual(['USER_NOT_FOUND', 404]);
    const returned = await api.users.get({ id: ID }, { headers: { Prefer: 'example=USER_NOT_FOUND' }, throwOnError: false });
    expect(returned.error?.code).toBe('USER_NOT_FOUND');
  });
});

describe('honest errors', () => {
  it('nothing listening: NETWORK_ERROR, no response, no status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await createHoodyClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't' }).api.users.get({ id: ID });
    expect(result.error).toBeInstanceOf(HoodyTransportError);
    expect([result.error?.code, (result.error as HoodyTransportError).status, result.response]).toEqual(['NETWORK_ERROR', undefined, undefined]);
  });

  it('an answer that is not the envelope: UNEXPECTED_RESPONSE with the status and the response', async () => {
    const result = await createHoodyClient({ baseUrl, token: 't' }).api.users.get({ id: 'bbbbbbbbbbbbbbbbbbbbbbbb' });
    expect(result.error).toBeInstanceOf(HoodyTransportError);
    expect([result.error?.code, (result.error as HoodyTransportError).status, result.response?.status]).toEqual(['UNEXPECTED_RESPONSE', 502, 502]);
  });
});

describe('auth hooks', () => {
  it('refreshes once on 401 TOKEN_EXPIRED, retries with the new token, and keeps it; concurrent expiries share one refresh', async () => {
    seen.length = 0;
    let refreshes = 0;
    const api = createHoodyClient({
      baseUrl,
      token: 'old',
      refreshToken: async () => {
        refreshes += 1;
        return 'fresh';
      },
    }).api;
    const results = await Promise.all([api.users.get({ id: ID }), api.users.get({ id: ID })]);
    const later = await api.users.get({ id: ID });
    expect(results.map((r) => r.data?.data.id)).toEqual([ID, ID]);
    expect([later.data?.data.id, refreshes]).toEqual([ID, 1]);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer old', 'Bearer old', 'Bearer fresh', 'Bearer fresh', 'Bearer fresh']);
  });

  it('gives up after one retry when the refresh yields nothing new', async () => {
    seen.length = 0;
    const api = createHoodyClient({ baseUrl, token: 'old', refreshToken: async () => undefined }).api;
    const result = await api.users.get({ id: ID });
    expect([result.error?.code, seen.length]).toEqual(['TOKEN_EXPIRED', 1]);
  });

  it('onRequest and onResponse see every call', async () => {
    seen.length = 0;
    const statuses: number[] = [];
    const api = createHoodyClient({
      baseUrl,
      token: 't',
      onRequest: (request) => {
        request.headers.set('X-Trace', 'trace-1');
      },
      onResponse: (response) => {
        statuses.push(response.status);
      },
    }).api;
    await api.users.get({ id: ID });
    expect([seen[0]?.trace, statuses]).toEqual(['trace-1', [200]]);
  });
});
