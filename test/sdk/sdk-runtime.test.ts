import { describe, expect, it } from 'vitest';
import { operations } from '../../generated/operations.gen.js';
import { createHoodyClient } from '@hoody/sdk';

type Seen = { method: string; url: URL; headers: Headers; body: string };

/** A fetch that records requests and answers from `reply`. */
function fakeFetch(reply: (request: Seen) => { status: number; body: unknown }) {
  const seen: Seen[] = [];
  const fetch = async (input: Request) => {
    const request = { method: input.method, url: new URL(input.url), headers: input.headers, body: await input.text() };
    seen.push(request);
    const { status, body } = reply(request);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen };
}

const token = (n: number) => ({ id: n.toString(16).padStart(24, '0'), alias: `Token ${n}` });

function threePages(request: Seen) {
  const page = Number(request.url.searchParams.get('page'));
  const items = [1, 2].map((i) => token((page - 1) * 2 + i));
  return { status: 200, body: { statusCode: 200, message: 'ok', data: items, metadata: { total: 6, page, limit: 2, pages: 3 } } };
}

describe('createHoodyClient', () => {
  it('sends path and query parameters, the body from `data`, and the bearer token', async () => {
    const { fetch, seen } = fakeFetch(() => ({ status: 200, body: { statusCode: 200, message: 'ok', data: {} } }));
    const client = createHoodyClient({ baseUrl: 'http://api.test', token: 'hdy_secret', fetch });
    await client.api.vault.set({ key: 'api-keys', realm_id: '507f1f77bcf86cd799439012', data: { value: 'v', metadata: { a: 1 } } });
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('PATCH');
    expect(seen[0].url.pathname).toBe('/api/v1/vault/keys/api-keys');
    expect(seen[0].url.searchParams.get('realm_id')).toBe('507f1f77bcf86cd799439012');
    expect(JSON.parse(seen[0].body)).toEqual({ value: 'v', metadata: { a: 1 } });
    expect(seen[0].headers.get('authorization')).toBe('Bearer hdy_secret');
  });

  it('returns `{ data, error }` with the error envelope on failure', async () => {
    const envelope = { statusCode: 404, error: 'Not Found', code: 'USER_NOT_FOUND', message: 'User not found' };
    const { fetch } = fakeFetch(() => ({ status: 404, body: envelope }));
    const client = createHoodyClient({ baseUrl: 'http://api.test', token: 't', fetch });
    const { data, error } = await client.api.users.get({ id: '507f1f77bcf86cd799439011' });
    expect(data).toBeUndefined();
    expect(error).toEqual(envelope);
  });

  it('has a method for every operation of the spec and an iterator for every paginated one', () => {
    const client = createHoodyClient({ baseUrl: 'http://api.test' });
    const api = client.api as unknown as Record<string, Record<string, unknown>>;
    for (const meta of Object.values(operations)) {
      expect(typeof api[meta.group][meta.method], `${meta.group}.${meta.method}`).toBe('function');
      expect(typeof api[meta.group][`${meta.method}Iterator`]).toBe(meta.paginated ? 'function' : 'undefined');
    }
    const paginated = Object.entries(operations)
      .filter(([, meta]) => meta.paginated)
      .map(([id]) => id);
    expect(paginated.sort()).toEqual(['activity.list', 'authTokens.list', 'vault.list']);
  });
});

describe('listIterator', () => {
  it('awaited, gives every item of three pages in order, in three requests', async () => {
    const { fetch, seen } = fakeFetch(threePages);
    const client = createHoodyClient({ baseUrl: 'http://api.test', token: 't', fetch });
    const { data, error } = await client.api.authTokens.listIterator({ limit: 2 });
    expect(error).toBeUndefined();
    expect(data?.map((t) => t.alias)).toEqual(['Token 1', 'Token 2', 'Token 3', 'Token 4', 'Token 5', 'Token 6']);
    expect(seen.map((r) => r.url.search)).toEqual(['?limit=2&page=1', '?limit=2&page=2', '?limit=2&page=3']);
  });

  it('with `for await`, streams the items page by page', async () => {
    const { fetch, seen } = fakeFetch(threePages);
    const client = createHoodyClient({ baseUrl: 'http://api.test', token: 't', fetch });
    const aliases: string[] = [];
    const requestsSeenAtItem: number[] = [];
    for await (const item of client.api.authTokens.listIterator()) {
      aliases.push(item.alias);
      requestsSeenAtItem.push(seen.length);
    }
    expect(aliases).toHaveLength(6);
    expect(requestsSeenAtItem).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('stops at the first failing page and reports its error', async () => {
    const envelope = { statusCode: 401, error: 'Unauthorized', code: 'TOKEN_EXPIRED', message: 'expired' };
    const { fetch, seen } = fakeFetch((request) => (request.url.searchParams.get('page') === '2' ? { status: 401, body: envelope } : threePages(request)));
    const client = createHoodyClient({ baseUrl: 'http://api.test', token: 't', fetch });
    const result = await client.api.activity.listIterator();
    expect(result).toEqual({ data: undefined, error: envelope });
    expect(seen).toHaveLength(2);
  });
});
