import { describe, expect, it } from 'vitest';
import { VAULT_LIMIT_BYTES } from '../../src/handlers/vault.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { startTestServer } from '../support/server.js';
import { codeOf } from '../support/results.js';
import { REALM } from '../support/sample-calls.js';

const realmA = REALM;
const MIB = 1_048_576;

describe('vault.set and vault.get', () => {
  it('creates with 201, updates with 200, and counts value and metadata bytes', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const created = await api.vault.set({ key: 'api-keys', data: { value: 'héllo', metadata: { a: 1 } } });
    expect([created.response.status, created.data?.message]).toEqual([201, 'Vault key created successfully']);
    expect(created.data?.data).toMatchObject({ key: 'api-keys', realm_id: '', value: 'héllo', metadata: { a: 1 }, size_bytes: 6 + 7 });
    const updated = await api.vault.set({ key: 'api-keys', data: { value: 'v2' } });
    expect([updated.response.status, updated.data?.message]).toEqual([200, 'Vault key updated successfully']);
    expect(updated.data?.data).toMatchObject({ value: 'v2', metadata: null, size_bytes: 2, created_at: created.data?.data.created_at });
    const read = await api.vault.get({ key: 'api-keys' });
    expect(read.data?.data).toMatchObject({ value: 'v2', size_bytes: 2 });
  });

  it('keeps realms apart; realm ids are case-insensitive, and the Host names the realm', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    await api.vault.set({ key: 'k', realm_id: realmA.toUpperCase(), data: { value: 'in realm' } });
    await api.vault.set({ key: 'k', data: { value: 'global' } });
    expect((await api.vault.get({ key: 'k', realm_id: realmA })).data?.data).toMatchObject({ value: 'in realm', realm_id: realmA });
    expect((await api.vault.get({ key: 'k' })).data?.data.value).toBe('global');
    const viaHost = await server.as('jane_roe', { baseUrl: `http://${realmA}.api.test` });
    expect((await viaHost.vault.get({ key: 'k' })).data?.data.value).toBe('in realm');
    expect((await viaHost.vault.getStats()).data?.data.total_keys).toBe(1);
  });

  it("never shows one user another user's keys", async () => {
    const server = await startTestServer();
    await (await server.as('jane_roe')).vault.set({ key: 'secret', data: { value: 'jane only' } });
    const john = await server.as('john_doe');
    const result = await john.vault.get({ key: 'secret' });
    expect([result.response.status, codeOf(result)]).toEqual([404, 'VAULT_KEY_NOT_FOUND']);
    expect((await john.vault.list()).data?.data).toEqual([]);
  });

  it.each([
    ['a missing value', { metadata: {} }],
    ['a non-string value', { value: 42 }],
    ['an unknown field', { value: 'v', owner: 'x' }],
    ['metadata over 256 KB', { value: 'v', metadata: { blob: 'x'.repeat(262_145) } }],
  ])('refuses %s with 400 VALIDATION_ERROR and stores nothing', async (_case, body) => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const result = await api.vault.set({ key: 'k', data: body as never });
    expect([result.response.status, codeOf(result)]).toEqual([400, 'VALIDATION_ERROR']);
    expect((await api.vault.getStats()).data?.data.total_keys).toBe(0);
  });

  it('refuses a bad key and a malformed realm id', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const key = await api.vault.get({ key: 'bad key!' });
    expect([key.response.status, codeOf(key)]).toEqual([400, 'VALIDATION_ERROR']);
    const realm = await api.vault.set({ key: 'k', realm_id: 'nope', data: { value: 'v' } });
    expect([realm.response.status, codeOf(realm)]).toEqual([400, 'INVALID_REALM_ID_FORMAT']);
  });

  it('enforces the 50 MB limit across realms with 413, changing nothing', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    expect((await api.vault.set({ key: 'big', data: { value: 'x'.repeat(40 * MIB) } })).response.status).toBe(201);
    expect((await api.vault.set({ key: 'big', realm_id: realmA, data: { value: 'x'.repeat(9 * MIB) } })).response.status).toBe(201);
    const over = await api.vault.set({ key: 'more', realm_id: realmA, data: { value: 'x'.repeat(MIB + 1) } });
    expect([over.response.status, codeOf(over)]).toEqual([413, 'VAULT_LIMIT_EXCEEDED']);
    expect((await api.vault.get({ key: 'more', realm_id: realmA })).response.status).toBe(404);
    // Replacing a key counts its new size instead of the old one.
    expect((await api.vault.set({ key: 'big', data: { value: 'x'.repeat(41 * MIB) } })).response.status).toBe(200);
    const stats = await api.vault.getStats();
    expect(stats.data?.data).toMatchObject({ total_keys: 1, total_size_bytes: 41 * MIB, limit_mb: 50, used_percentage: 100, remaining_mb: 0 });
  });

  it('with 40 MB used, 20 concurrent 1 MB writes give exactly 10 successes and 10 x 413', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    await api.vault.set({ key: 'base', data: { value: 'x'.repeat(40 * MIB) } });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => api.vault.set({ key: `k${i}`, data: { value: 'y'.repeat(MIB) } })));
    const statuses = results.map((r) => r.response.status);
    console.log(`vault quota race: ${statuses.filter((s) => s === 201).length} x 201, ${statuses.filter((s) => s === 413).length} x 413`);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 413)).toHaveLength(10);
    const usage = await server.store.vaultUsage(DEMO_USERS.jane_roe.id, '');
    expect(usage.totalBytes).toBe(VAULT_LIMIT_BYTES);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 54 MiB before any handler runs', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const result = await api.vault.set({ key: 'huge', data: { value: 'x'.repeat(57 * MIB) } });
    expect([result.response.status, codeOf(result)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await api.vault.getStats()).data?.data.total_keys).toBe(0);
  });
});

describe('vault.list, vault.getStats, vault.delete, vault.clear', () => {
  it('lists keys without values, sorted and paginated; stats follow the seed format', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    for (const key of ['b', 'a', 'c']) await api.vault.set({ key, data: { value: 'x'.repeat(5120) } });
    const { data } = await api.vault.list({ limit: 2 });
    expect(data?.data.map((e) => e.key)).toEqual(['a', 'b']);
    expect(data?.data[0]).not.toHaveProperty('value');
    expect(data?.metadata).toEqual({ total: 3, page: 1, limit: 2, pages: 2 });
    const { data: all } = await api.vault.listIterator({ limit: 2 });
    expect(all?.map((e) => e.key)).toEqual(['a', 'b', 'c']);
    await api.vault.delete({ key: 'c' });
    const stats = await api.vault.getStats();
    expect(stats.data?.data).toEqual({
      total_keys: 2,
      total_size_bytes: 10240,
      total_size_mb: 0.009766,
      limit_mb: 50,
      used_percentage: 0.02,
      remaining_mb: 49.990234,
    });
  });

  it('deletes one key (404 when absent) and clears only the active realm', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    await api.vault.set({ key: 'a', data: { value: '1' } });
    await api.vault.set({ key: 'b', data: { value: '2' } });
    await api.vault.set({ key: 'a', realm_id: realmA, data: { value: '3' } });
    expect((await api.vault.delete({ key: 'a' })).data?.message).toBe('Vault key deleted successfully');
    const again = await api.vault.delete({ key: 'a' });
    expect([again.response.status, codeOf(again)]).toEqual([404, 'VAULT_KEY_NOT_FOUND']);
    expect((await api.vault.clear()).data?.data.deleted_count).toBe(1);
    expect((await api.vault.get({ key: 'a', realm_id: realmA })).data?.data.value).toBe('3');
    expect((await server.store.vaultUsage(DEMO_USERS.jane_roe.id, '')).totalBytes).toBe(1);
  });

  it.each(['vault.list', 'vault.getStats', 'vault.clear', 'vault.delete', 'vault.get'] as const)('%s refuses a malformed realm id', async (operationId) => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const calls = {
      'vault.list': () => api.vault.list({ realm_id: 'x' }),
      'vault.getStats': () => api.vault.getStats({ realm_id: 'x' }),
      'vault.clear': () => api.vault.clear({ realm_id: 'x' }),
      'vault.delete': () => api.vault.delete({ key: 'k', realm_id: 'x' }),
      'vault.get': () => api.vault.get({ key: 'k', realm_id: 'x' }),
    };
    const result = await calls[operationId]();
    expect([result.response.status, codeOf(result)]).toEqual([400, 'INVALID_REALM_ID_FORMAT']);
  });

  it('vault.list refuses limit 0 with VALIDATION_ERROR', async () => {
    const server = await startTestServer();
    const limit = await (await server.as('jane_roe')).vault.list({ limit: 0 });
    expect([limit.response.status, codeOf(limit)]).toEqual([400, 'VALIDATION_ERROR']);
  });
});
