import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/index.js';
import { purgeExpiredActivity } from '../../src/domain/activity-retention.js';
import type { Store } from '../../src/store/types.js';
import { DATABASE_URL, makePostgresStore } from '../support/postgres.js';
import { withFaults } from '../support/faulty-store.js';

async function checkRetention(real: Store) {
  const { store, inject } = withFaults(real);
  const now = new Date('2030-06-01T00:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  for (let i = 0; i < 25; i += 1) {
    await store.appendActivity({
      id: `6690${i.toString(16).padStart(20, '0')}`,
      user_id: 'u',
      realm_id: '',
      method: 'GET',
      path: '/',
      status_code: 200,
      ip_address: '',
      user_agent: '',
      created_at: daysAgo(i < 23 ? 31 + i : 29),
    });
  }
  const batches: number[] = [];
  inject('purgeActivity', (purge) => async (before, size) => {
    const removed = await purge(before, size);
    batches.push(removed);
    return removed;
  });
  expect(await purgeExpiredActivity(store, now, 10)).toBe(23);
  expect(batches).toEqual([10, 10, 3]);
  expect((await store.activityStats('u', daysAgo(365))).totalRecords).toBe(2);
}

describe('activity retention', () => {
  it('memory: deletes entries past 30 days in bounded batches', async () => {
    await checkRetention(new MemoryStore());
  });
  it.skipIf(!DATABASE_URL)('postgres: deletes entries past 30 days in bounded batches', async () => {
    const store = await makePostgresStore();
    await checkRetention(store);
    await store.close();
  });
});
