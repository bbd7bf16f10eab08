/**
 * An activity page that shows this process's records not yet in the database (queued for the next batch, or in the
 * batch being written) without writing them first: a client paging through its log would otherwise wait for a write
 * of its previous request's record before every page, two round trips where one does.
 *
 * The database answers, in one snapshot, whether each batch holding such records is stored, and a window that starts
 * as many rows before the page as the batches it did not find hold; those records go in their places. Where they go:
 * newest first, as the log is ordered; at one instant, before every stored row, because they will get a higher `seq`
 * when written; among themselves, the later arrival first, for the same reason. Times compare as strings, all in
 * `Date#toISOString`'s form. (A record of another process at the same millisecond, written later, may then order
 * differently; nothing is lost or counted twice.)
 */
import type { ActivityRecord } from '../types.js';

/** The first row of the window the database must answer, so that the page is in it whatever the unwritten records are. */
export function windowStart(offset: number, unwrittenCount: number): number {
  return Math.max(0, offset - unwrittenCount);
}

/**
 * How many stored rows from `windowStart` the page needs where the unwritten records are all newer than them: the
 * page less the places those records fill at its top, and at least one (`pageFromWindow` tells whether it is
 * enough).
 */
export function narrowWindowRows(offset: number, limit: number, unwrittenCount: number): number {
  return Math.max(1, limit - Math.min(limit, Math.max(0, unwrittenCount - offset)));
}

/**
 * Stored rows as one statement answered them: the rows from position `start` of the stored log (newest first), the
 * stored total, and whether the log ends inside them (`complete`: the statement found fewer rows than it asked for).
 */
export type StoredWindow = { start: number; rows: ActivityRecord[]; complete: boolean; storedTotal: number };

/**
 * The page at `offset` of `window`'s rows merged with `unwritten` (ordered as `pageWithUnwritten` takes them, none of
 * them stored in the window's snapshot), or undefined where the window does not hold the page. From the row at
 * `windowStart(offset, unwritten.length)` on, the merge in `pageWithUnwritten` puts every row and record in its
 * place up to the window's last row, and past it too where the log ends inside the window. So the window holds the
 * page where it starts at or before that row, and either is `complete` or its rows and the records that go before
 * its last row reach the page's end. Records a little older than the first row (another request that began earlier
 * and finished later, its record in a later batch than this one's: 2% of the pages of one user's flood of requests,
 * in a measured run) then need no second statement; nor do records that arrived after the window was read, while it
 * starts early enough for them (activity-read-cache.ts).
 */
export function pageFromWindow(
  window: StoredWindow,
  unwritten: ActivityRecord[],
  offset: number,
  limit: number,
): { items: ActivityRecord[]; total: number } | undefined {
  const start = windowStart(offset, unwritten.length);
  if (start < window.start) return undefined;
  const rows = window.start === start ? window.rows : window.rows.slice(start - window.start);
  if (!window.complete) {
    if (rows.length === 0) return undefined;
    const last = rows[rows.length - 1].created_at;
    let beforeLast = 0;
    for (const record of unwritten) if (record.created_at >= last) beforeLast += 1;
    if (start + rows.length + beforeLast < offset + limit) return undefined;
  }
  return pageWithUnwritten(rows, window.storedTotal, unwritten, offset, limit);
}

/**
 * The page at `offset` of the stored rows merged with `unwritten` (not stored in this snapshot): `window` is the
 * stored rows from `windowStart(offset, unwritten.length)` through the page's end, or `narrowWindowRows` of them where
 * `narrowWindowHolds`; `storedTotal` counts every stored row. `unwritten` is in arrival order, or in time order with
 * arrival order at each instant: the two give the same page. The store's held records come in the second
 * (`byTime`), which needs no sort, and then only as many of them as the page can hold are looked at.
 */
export function pageWithUnwritten(
  window: ActivityRecord[],
  storedTotal: number,
  unwritten: ActivityRecord[],
  offset: number,
  limit: number,
): { items: ActivityRecord[]; total: number } {
  const start = windowStart(offset, unwritten.length);
  const total = storedTotal + unwritten.length;
  // The page ends at the `end`th row or record from `start`; nothing past it is merged.
  const end = offset - start + limit;
  const pending = newestFirst(unwritten, end);
  // Unwritten records that go before the window's first row belong among the stored rows before it, so their
  // places here are not theirs; but there are at most as many as the rows between `start` and the page, so none of
  // them reaches it.
  const merged: ActivityRecord[] = [];
  let next = 0;
  for (const row of window) {
    while (next < pending.length && pending[next].created_at >= row.created_at) merged.push(pending[next++]);
    if (merged.length >= end) break;
    merged.push(row);
  }
  // Past the window's last row, places are exact only where the log ends there; the page never reaches further.
  while (next < pending.length && merged.length < end) merged.push(pending[next++]);
  return { items: merged.slice(offset - start, end), total };
}

/** Time order of records (their ISO times compare as strings): the order the store holds its records in. */
export const byTime = (a: ActivityRecord, b: ActivityRecord) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0);

/**
 * The first `count` of `records` newest first and, at one instant, the later arrival first: the order they take in
 * the log once written (they will get higher `seq`s in arrival order).
 */
function newestFirst(records: ActivityRecord[], count: number): ActivityRecord[] {
  let inTimeOrder = true;
  for (let i = 1; inTimeOrder && i < records.length; i += 1) inTimeOrder = records[i - 1].created_at <= records[i].created_at;
  if (inTimeOrder) return records.slice(Math.max(0, records.length - count)).reverse();
  // Later arrivals first, then newest first by a stable sort.
  return records
    .slice()
    .reverse()
    .sort((a, b) => byTime(b, a))
    .slice(0, count);
}
