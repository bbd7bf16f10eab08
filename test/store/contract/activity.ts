/** The store contract, activity: listing, filters, stats, batched purge, and retention. */
import { expect, it } from 'vitest';
import { purgeExpiredActivity } from '../../../src/domain/activity-retention.js';
import { withFaults } from '../../support/faulty-store.js';
import { jane, john, T0, id, type FreshStore } from './fixtures.js';
import { REALM } from '../../support/sample-calls.js';
import type { ActivityRecord } from '../../../src/store/types.js';

export function activityContract(name: string, fresh: FreshStore) {
  it('activity: newest first, every filter, pagination, stats and batched purge', async () => {
    const store = await fresh();
    const at = (minute: number) => new Date(Date.parse(T0) + minute * 60_000).toISOString();
    for (let i = 0; i < 10; i += 1) {
      await store.appendActivity({
        id: id(),
        user_id: jane,
        realm_id: i % 2 ? REALM : '',
        method: i % 3 ? 'GET' : 'PATCH',
        path: `/p/${i}`,
        status_code: i < 7 ? 200 : 404,
        ip_address: '127.0.0.1',
        user_agent: 'ua',
        created_at: at(i),
      });
    }
    await store.appendActivity({
      id: id(),
      user_id: john,
      realm_id: '',
      method: 'GET',
      path: '/john',
      status_code: 200,
      ip_address: '1.1.1.1',
      user_agent: '',
      created_at: at(5),
    });
    const since = at(0);
    const page = await store.listActivity(jane, { since }, 1, 3);
    expect(page.total).toBe(10);
    expect(page.items.map((e) => e.path)).toEqual(['/p/9', '/p/8', '/p/7']);
    expect((await store.listActivity(jane, { since }, 4, 3)).items.map((e) => e.path)).toEqual(['/p/0']);
    expect((await store.listActivity(jane, { since, minStatus: 400 }, 1, 50)).total).toBe(3);
    expect((await store.listActivity(jane, { since, maxStatus: 200 }, 1, 50)).total).toBe(7);
    expect((await store.listActivity(jane, { since, method: 'PATCH' }, 1, 50)).total).toBe(4);
    expect((await store.listActivity(jane, { since, realmId: REALM }, 1, 50)).total).toBe(5);
    expect((await store.listActivity(jane, { since, startDate: at(3), endDate: at(5) }, 1, 50)).items.map((e) => e.path)).toEqual(['/p/5', '/p/4', '/p/3']);
    expect((await store.listActivity(jane, { since: at(8) }, 1, 50)).total).toBe(2);
    const stats = await store.activityStats(jane, since);
    expect(stats).toMatchObject({ totalRecords: 10, oldest: at(0), newest: at(9) });
    expect(stats.totalSizeBytes).toBeGreaterThan(1000);
    expect(await store.purgeActivity(at(4), 3)).toBe(3);
    expect(await store.purgeActivity(at(4), 3)).toBe(1);
    expect(await store.purgeActivity(at(4), 3)).toBe(0);
    expect((await store.activityStats(jane, since)).totalRecords).toBe(6);
    expect((await store.listActivity(john, { since }, 1, 50)).total).toBe(1);
  });

  it('activity: a page answers each record exactly as appended, whatever characters its text holds', async () => {
    // Quotes, backslashes, control characters, line separators and characters outside the BMP come back as they went
    // in (PostgreSQL: through the batched insert and the read pool's string timestamps), times with their milliseconds.
    const store = await fresh();
    const awkward = ['"quoted" \\ back\\slash', 'tab\tnew\nline\r\u0001\u001f\u007f', 'é ñ 中文 😀 \u2028\u2029', '</script><!--', ''];
    const appended: ActivityRecord[] = awkward.map((text, i) => ({
      id: id(),
      user_id: jane,
      realm_id: i % 2 ? REALM : '',
      method: 'DELETE',
      path: `/p/${text}`,
      status_code: 200 + i,
      ip_address: i % 2 ? '2001:db8::1' : '203.0.113.9',
      user_agent: text,
      created_at: new Date(Date.parse(T0) + i * 1_001 + (i === 0 ? 0 : 7)).toISOString(),
    }));
    for (const record of appended) await store.appendActivity(record);
    const page = await store.listActivity(jane, { since: T0 }, 1, 50);
    expect(page.total).toBe(awkward.length);
    expect(page.items).toEqual([...appended].reverse());
    expect((await store.listActivity(jane, { since: T0, method: 'DELETE' }, 2, 3)).items).toEqual(appended.slice(0, 2).reverse());
    expect(await store.listActivity(jane, { since: T0, method: 'PUT' }, 1, 50)).toEqual({ total: 0, items: [] });
  });

  it('retention: entries past 30 days are deleted in bounded batches, the rest kept', async () => {
    const { store, inject } = withFaults(await fresh());
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
  });
}
