/**
 * The memory store's column-kept activity log (src/store/memory/activity-log.ts) against a model: the records as
 * appended, sorted by time with ties in arrival order, filtered and paged newest first. Records arrive mostly in
 * time order and sometimes late, with times from a few instants so that many tie, and the log is purged in between
 * (the table of distinct strings losing those no record holds).
 */
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ActivityLog, StringTable } from '../../src/store/memory/activity-log.js';
import type { ActivityFilter, ActivityRecord } from '../../src/store/types.js';
import { seededDraw } from '../support/seeded-random.js';

const at = (second: number) => new Date(Date.UTC(2026, 10, 1) + second * 1000).toISOString();
const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;
const REALMS = ['', 'realm-a', 'realm-b'];

function modelPage(records: ActivityRecord[], filter: ActivityFilter, page: number, limit: number) {
  const lower = filter.startDate && filter.startDate > filter.since ? filter.startDate : filter.since;
  const matching = records
    .filter(
      (r) =>
        r.created_at >= lower &&
        (filter.endDate === undefined || r.created_at <= filter.endDate) &&
        (filter.minStatus === undefined || r.status_code >= filter.minStatus) &&
        (filter.maxStatus === undefined || r.status_code <= filter.maxStatus) &&
        (filter.method === undefined || r.method === filter.method) &&
        (filter.realmId === undefined || r.realm_id === filter.realmId),
    )
    .reverse();
  return { items: matching.slice((page - 1) * limit, page * limit), total: matching.length };
}

describe('memory store activity log', () => {
  it('pages, counts and sizes as the model does through late records, ties and purges', () => {
    const next = seededDraw(7);
    const strings = new StringTable();
    const log = new ActivityLog('u', strings);
    let model: ActivityRecord[] = [];
    let clock = 0;
    let checked = 0;
    for (let round = 0; round < 40; round += 1) {
      for (let i = 0; i < 50; i += 1) {
        clock += next(3);
        const record: ActivityRecord = {
          id: `r${round}-${i}`,
          user_id: 'u',
          realm_id: REALMS[next(3)],
          method: METHODS[next(4)],
          path: `/p/${next(5)}`,
          status_code: [200, 201, 404, 429, 500][next(5)],
          ip_address: `10.0.0.${next(3)}`,
          user_agent: next(2) ? 'ua' : 'ua "quoted" \u00e9',
          // One in five arrives late, up to ten seconds behind the clock.
          created_at: at(next(5) === 0 ? Math.max(0, clock - next(10)) : clock),
        };
        log.append(record);
        // Ties go after the records already at that time: a stable sort of the arrivals.
        model.push(record);
        model = model
          .map((r, k) => [r, k] as const)
          .sort(([a, i], [b, j]) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : i - j))
          .map(([r]) => r);
      }
      const filters: ActivityFilter[] = [
        { since: at(0) },
        { since: at(clock - 30) },
        { since: at(0), minStatus: 400 },
        { since: at(0), maxStatus: 299, method: 'POST' },
        { since: at(0), realmId: 'realm-a' },
        { since: at(0), realmId: 'no-such-realm' },
        { since: at(0), method: 'PUT' },
        { since: at(0), startDate: at(clock - 60), endDate: at(clock - 20) },
      ];
      for (const filter of filters) {
        for (const [page, limit] of [
          [1, 50],
          [2, 7],
          [1 + next(10), 5],
        ]) {
          expect(log.list(filter, page, limit)).toEqual(modelPage(model, filter, page, limit));
          checked += 1;
        }
      }
      const since = at(next(clock + 1));
      const kept = model.filter((r) => r.created_at >= since);
      expect(log.stats(since)).toEqual({
        totalRecords: kept.length,
        totalSizeBytes: kept.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0),
        oldest: kept[0]?.created_at ?? null,
        newest: kept.at(-1)?.created_at ?? null,
      });
      if (round % 5 === 4) {
        const before = at(clock - 40);
        const max = 1 + next(60);
        const removable = model.filter((r) => r.created_at < before).length;
        expect(log.removeBefore(before, max)).toBe(Math.min(max, removable));
        model = model.slice(Math.min(max, removable));
        // The table holds the strings of the records left, and no more.
        expect(strings.size).toBe(new Set(model.flatMap((r) => [r.realm_id, r.method, r.path, r.ip_address, r.user_agent])).size);
      }
    }
    expect(log.length).toBe(model.length);
    expect(log.removeBefore(at(clock + 1), Infinity)).toBe(model.length);
    expect(strings.size).toBe(0);
    expect(checked).toBe(40 * 8 * 3);
  });
});
