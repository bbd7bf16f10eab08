/**
 * An activity page that shows this process's records not yet in the database (queued for the next batch, or in the
 * batch being written) without writing them first: a client paging through its log would otherwise wait for a write
 * of its previous request's record before every page, two round trips where one does.
 *
 * The database answers a window that starts up to `unwritten.length` rows before the page, in one snapshot; the
 * records it did not have go in their places. Where they go: newest first, as the log is ordered; at one instant,
 * before every stored row, because they will get a higher `seq` when written; among themselves, the later arrival
 * first, for the same reason. (A record of another process at the same millisecond that it writes later may then
 * order differently; nothing is lost or counted twice.)
 */
import type { ActivityRecord } from '../types.js';

/** The first row of the window the database must answer, so that the page is in it whatever the unwritten records are. */
export function windowStart(offset: number, unwrittenCount: number): number {
  return Math.max(0, offset - unwrittenCount);
}

/**
 * The page at `offset` of the stored rows merged with `unwritten` (in arrival order, not stored in this snapshot):
 * `window` is the stored rows from `start`, through at least the page's end, where `start` is `windowStart` of the
 * records held when the window was asked for (at least as many as `unwritten`: some may have been written since);
 * `storedTotal` counts every stored row.
 */
export function pageWithUnwritten(
  window: ActivityRecord[],
  start: number,
  storedTotal: number,
  unwritten: ActivityRecord[],
  offset: number,
  limit: number,
): { items: ActivityRecord[]; total: number } {
  const total = storedTotal + unwritten.length;
  const pending = unwritten
    .map((record, arrival) => ({ record, arrival }))
    .sort((a, b) => compareNewestFirst(a.record.created_at, b.record.created_at) || b.arrival - a.arrival)
    .map(({ record }) => record);
  // Unwritten records that go before the window's first row belong among the stored rows before it, so their
  // places here are not theirs; but they are fewer than the rows between `start` and the page, so none reaches it.
  const merged: ActivityRecord[] = [];
  let next = 0;
  for (const row of window) {
    while (next < pending.length && pending[next].created_at >= row.created_at) merged.push(pending[next++]);
    merged.push(row);
  }
  // Past the window's last row, places are exact only where the log ends there; the page never reaches further.
  while (next < pending.length) merged.push(pending[next++]);
  return { items: merged.slice(offset - start, offset - start + limit), total };
}

/** ISO 8601 instants of one form (`Date#toISOString`'s) order as strings. */
const compareNewestFirst = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
