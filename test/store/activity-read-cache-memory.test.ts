/**
 * The bound on what the activity read cache (src/store/postgres/activity-read-cache.ts) holds: a page's window may
 * start early by up to a thousand rows for the records held, so the entries' rows are counted and the oldest entries
 * go first past the budget.
 */
import { describe, expect, it } from 'vitest';
import { ActivityReadCache, parseSnapshot, type CachedWindow } from '../../src/store/postgres/activity-read-cache.js';
import type { ActivityRecord } from '../../src/store/types.js';

const SINCE = '2026-01-01T00:00:00.000Z';

/** A kept window of `count` rows (their content does not matter to the bound). */
const window = (count: number): CachedWindow => ({
  start: 0,
  rows: Array.from({ length: count }, () => ({}) as ActivityRecord),
  complete: false,
  storedTotal: count,
  snapshot: parseSnapshot('10:10:'),
  written: new Map(),
  succeededBefore: 0,
  startedBeforeAnswer: 0,
});

describe('the activity read cache', () => {
  it('holds no more rows than its budget: past it the oldest entries go first, and an entry kept again counts once', () => {
    const now = 0;
    const cache = new ActivityReadCache(50, () => now, 1000);
    for (let page = 1; page <= 10; page += 1) {
      cache.keep(`page ${page}`, SINCE, window(300), now);
      expect(cache.keptRows).toBeLessThanOrEqual(1000);
    }
    expect(cache.keptRows).toBe(900);
    expect([1, 2, 3, 4, 5, 6, 7].map((page) => cache.find(`page ${page}`, SINCE))).toEqual(Array(7).fill(undefined));
    expect([8, 9, 10].map((page) => cache.find<CachedWindow>(`page ${page}`, SINCE)?.kept.rows.length)).toEqual([300, 300, 300]);
    cache.keep('page 10', SINCE, window(100), now);
    expect(cache.keptRows).toBe(700);
    cache.forget();
    expect(cache.keptRows).toBe(0);
    expect(cache.find('page 9', SINCE)).toBeUndefined();
  });

  it('forgets the rows of an entry dropped once no request can use it, stale or not', () => {
    let now = 0;
    const cache = new ActivityReadCache(50, () => now, 1000);
    cache.keep('page 1', SINCE, window(300), now);
    cache.keep('stats', SINCE, { ...window(0), records: 1, bytes: 1, oldest: null, newest: null } as never, now);
    // Past its life it still answers, stale, while it is read again, for one life more.
    now = 51;
    expect(cache.find('page 1', SINCE)?.stale).toBe(true);
    expect(cache.keptRows).toBe(300);
    now = 101;
    expect(cache.find('page 1', SINCE)).toBeUndefined();
    expect(cache.keptRows).toBe(0);
  });
});
