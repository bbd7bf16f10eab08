import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { startTestServer } from '../support/server.js';
import { codeOf } from '../support/results.js';
import { REALM } from '../support/sample-calls.js';

const realmA = REALM;

describe('activity.list', () => {
  it('records every authenticated request with method, path, status, IP, user agent and realm', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe', { headers: { 'User-Agent': 'activity-test/1.0', 'X-Forwarded-For': '203.0.113.9' } });
    await api.users.get({ id: DEMO_USERS.jane_roe.id });
    await api.vault.get({ key: 'missing', realm_id: realmA.toUpperCase() });
    const { data } = await api.activity.list();
    expect(data?.data.map((e) => [e.method, e.path, e.status_code, e.realm_id])).toEqual([
      ['GET', '/api/v1/vault/keys/missing', 404, realmA],
      ['GET', `/api/v1/users/${DEMO_USERS.jane_roe.id}`, 200, ''],
    ]);
    expect(data?.data[0]).toMatchObject({ user_id: DEMO_USERS.jane_roe.id, ip_address: '203.0.113.9', user_agent: 'activity-test/1.0' });
    expect(data?.metadata).toEqual({ total: 2, page: 1, limit: 50, pages: 1 });
    // Unauthenticated requests have no user and are not recorded; other users never see these entries.
    const { data: john } = await (await server.as('john_doe')).activity.list();
    expect(john?.data).toEqual([]);
  });

  it('filters by status, errors_only, method, realm and dates, and paginates', async () => {
    let now = new Date('2030-03-10T12:00:00Z');
    const server = await startTestServer({ clock: () => now });
    // Session JWTs live 24 hours: each simulated day gets a fresh one.
    let api = await server.as('jane_roe');
    for (let i = 0; i < 5; i += 1) await api.users.get({ id: DEMO_USERS.jane_roe.id });
    now = new Date('2030-03-11T12:00:00Z');
    api = await server.as('jane_roe');
    await api.users.get({ id: DEMO_USERS.john_doe.id }); // 403
    await api.vault.set({ key: 'k', realm_id: realmA, data: { value: 'v' } }); // 201
    now = new Date('2030-03-12T12:00:00Z');
    api = await server.as('jane_roe');

    const all = await api.activity.list({ limit: 2 });
    expect(all.data?.metadata).toEqual({ total: 7, page: 1, limit: 2, pages: 4 });
    expect((await api.activity.list({ errors_only: 'true' })).data?.data.map((e) => e.status_code)).toEqual([403]);
    expect((await api.activity.list({ min_status: 201, max_status: 201 })).data?.data.map((e) => e.method)).toEqual(['PATCH']);
    expect((await api.activity.list({ method: 'PATCH' })).data?.metadata.total).toBe(1);
    expect((await api.activity.list({ realm_id: realmA })).data?.metadata.total).toBe(1);
    expect((await api.activity.list({ start_date: '2030-03-11' })).data?.metadata.total).toBe(2 + 5); // the list calls above count too
    expect((await api.activity.list({ end_date: '2030-03-10T23:59:59Z' })).data?.metadata.total).toBe(5);
    expect(
      (await api.activity.list({ start_date: String(Date.parse('2030-03-11T00:00:00Z') / 1000), end_date: 'today' })).data?.metadata.total,
    ).toBeGreaterThanOrEqual(2);
    const { data: iterated } = await api.activity.listIterator({ limit: 3 });
    expect(iterated?.length).toBeGreaterThanOrEqual(15);
  });

  it('keeps 30 days', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const server = await startTestServer({ clock: () => now });
    await (await server.as('jane_roe')).users.get({ id: DEMO_USERS.jane_roe.id });
    now = new Date('2030-02-15T00:00:00Z');
    const api = await server.as('jane_roe');
    expect((await api.activity.list()).data?.metadata.total).toBe(0);
    expect((await api.activity.getStats()).data?.data.total_records).toBe(1);
  });

  it.each([
    ['limit above 100', { limit: 101 }, 'VALIDATION_ERROR'],
    ['page 0', { page: 0 }, 'VALIDATION_ERROR'],
    ['an unknown method', { method: 'TRACE' }, 'VALIDATION_ERROR'],
    ['an unparseable date', { start_date: 'yesterday' }, 'VALIDATION_ERROR'],
    ['an impossible date', { start_date: '2030-02-30' }, 'VALIDATION_ERROR'],
    ['start after end', { start_date: '2030-03-02', end_date: '2030-03-01' }, 'VALIDATION_ERROR'],
    ['min_status above max_status', { min_status: 500, max_status: 400 }, 'VALIDATION_ERROR'],
    ['a malformed realm id', { realm_id: 'realm-1' }, 'INVALID_REALM_ID_FORMAT'],
  ])('refuses %s', async (_case, query, code) => {
    const server = await startTestServer();
    const result = await (await server.as('jane_roe')).activity.list(query as never);
    expect([result.response.status, codeOf(result)]).toEqual([400, code]);
  });
});

describe('activity.getStats', () => {
  it('counts records, sizes and bounds, with the retention window', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const empty = await api.activity.getStats();
    expect(empty.data?.data).toEqual({ total_size_bytes: 0, total_records: 0, oldest_record: null, newest_record: null, retention_days: 30 });
    await api.users.get({ id: DEMO_USERS.jane_roe.id });
    const { data } = await api.activity.getStats();
    expect(data?.data.total_records).toBe(2);
    expect(data?.data.total_size_bytes).toBeGreaterThan(100);
    expect(data?.data.oldest_record! <= data?.data.newest_record!).toBe(true);
  });

  it('refuses an unknown query parameter', async () => {
    const server = await startTestServer();
    const response = await server.fetch(
      new Request('http://localhost/api/v1/users/auth/activity/stats?days=7', { headers: { authorization: `Bearer ${await server.jwtFor('jane_roe')}` } }),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('VALIDATION_ERROR');
  });
});
