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
import { mergeInOrder } from './group-commit.js';

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
 * Records this process holds that a window's snapshot lacks, as a page reads them: how many, how many are at or after
 * an instant, and the newest. A page looks at no more of them than it can hold (`heldRuns`), however many there are:
 * under one client's flood of requests a kept window (activity-read-cache.ts) is asked again with hundreds of them.
 */
export type HeldRecords = {
  count: number;
  /** How many are at `time` or later. */
  atOrAfter(time: string): number;
  /** The newest `count`, newest first and, at one instant, the later arrival first (the order they take in the log). */
  newest(count: number): NewestRecords;
};

/** Records by their place, newest first: an array, or a view of records held elsewhere (`heldRuns`). */
export type NewestRecords = { readonly length: number; at(place: number): ActivityRecord | undefined };

/**
 * Runs of records, each in time order with arrival order at each instant, one after another in arrival order (the
 * batches of GroupCommit, which keeps them in time order): counted by binary search. Where each run starts at or
 * after the one before it ends, as nearly always (in a measured flood of one user's requests, every answer but 97 of
 * 91,000), they are the log's order as they stand, and the newest are read from them in place: a deep page needs
 * every held record before it (`pageWithUnwritten`), hundreds under a flood, and copying them for every answer cost
 * more the faster they came. Else only each run's newest `count` are merged for the newest.
 */
export function heldRuns(runs: readonly (readonly ActivityRecord[])[]): HeldRecords {
  const count = runs.reduce((count, run) => count + run.length, 0);
  return {
    count,
    atOrAfter: (time) => runs.reduce((count, run) => count + run.length - firstAtOrAfter(run, time), 0),
    newest: (wanted) => {
      if (followOneAnother(runs)) return { length: Math.min(wanted, count), at: (place) => recordAt(runs, count - 1 - place) };
      const newest = inTimeOrder(runs.map((run) => run.slice(Math.max(0, run.length - wanted))));
      return newest.slice(Math.max(0, newest.length - wanted)).reverse();
    },
  };
}

/** Whether runs in time order, put one after another, are in time order (a tie keeps the earlier run first). */
function followOneAnother(runs: readonly (readonly ActivityRecord[])[]): boolean {
  let last: ActivityRecord | undefined;
  for (const run of runs) {
    if (run.length === 0) continue;
    if (last !== undefined && byTime(run[0], last) < 0) return false;
    last = run[run.length - 1];
  }
  return true;
}

/** The record at `index` of runs put one after another. */
function recordAt(runs: readonly (readonly ActivityRecord[])[], index: number): ActivityRecord | undefined {
  for (const run of runs) {
    if (index < run.length) return run[index];
    index -= run.length;
  }
  return undefined;
}

/** The index of the first record of `run` (in time order) at `time` or later; its length where there is none. */
function firstAtOrAfter(run: readonly ActivityRecord[], time: string): number {
  let low = 0;
  let high = run.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (run[middle].created_at < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Runs of records as `heldRuns` takes them, merged into one in time order with arrival order at each instant. Runs
 * overlap only near their edges (a request that started before another's finished after it): only the records from
 * the first place a run's first record goes are merged with it.
 */
function inTimeOrder(runs: Iterable<readonly ActivityRecord[]>): ActivityRecord[] {
  const records: ActivityRecord[] = [];
  for (const run of runs) appendInTimeOrder(records, run);
  return records;
}

/** Adds a run to `records` (both in time order, the run's records arrived later), keeping it so. */
export function appendInTimeOrder(records: ActivityRecord[], run: readonly ActivityRecord[]): void {
  let from = records.length;
  while (from > 0 && run.length > 0 && byTime(run[0], records[from - 1]) < 0) from -= 1;
  if (from === records.length) for (const record of run) records.push(record);
  else for (const record of mergeInOrder(records.splice(from), run, byTime)) records.push(record);
}

/**
 * The page at `offset` of `window`'s rows merged with `held` (records none of which is stored in the window's
 * snapshot), or undefined where the window does not hold the page. From the row at `windowStart(offset, held.count)`
 * on, the merge in `pageWithUnwritten` puts every row and record in its place up to the window's last row, and past
 * it too where the log ends inside the window. So the window holds the page where it starts at or before that row,
 * and either is `complete` or its rows and the records that go before its last row reach the page's end. Records a
 * little older than the first row (another request that began earlier and finished later, its record in a later
 * batch than this one's: 2% of the pages of one user's flood of requests, in a measured run) then need no second
 * statement; nor do records that arrived after the window was read, while it starts early enough for them
 * (activity-read-cache.ts).
 */
export function pageFromWindow(window: StoredWindow, held: HeldRecords, offset: number, limit: number): { items: ActivityRecord[]; total: number } | undefined {
  const start = windowStart(offset, held.count);
  if (start < window.start) return undefined;
  const first = start - window.start;
  if (!window.complete) {
    const rows = window.rows.length - first;
    if (rows <= 0) return undefined;
    const beforeLast = held.atOrAfter(window.rows[window.rows.length - 1].created_at);
    if (start + rows + beforeLast < offset + limit) return undefined;
  }
  return pageWithUnwritten(window.rows, window.storedTotal, held, offset, limit, first);
}

/**
 * The page at `offset` of the stored rows merged with `held` (not stored in this snapshot): `window` is the stored
 * rows from `windowStart(offset, held.count)` (at its index `first`) through the page's end, or `narrowWindowRows` of
 * them where `pageFromWindow` finds that they hold it; `storedTotal` counts every stored row. In the merge a held
 * record goes before a row of its instant or older. Only the page's place in it is looked for, not every row and
 * record before it (a deep page asked again under a flood of records has hundreds before it), and only as many of
 * the held records as the page can hold are looked at.
 */
export function pageWithUnwritten(
  window: readonly ActivityRecord[],
  storedTotal: number,
  held: HeldRecords,
  offset: number,
  limit: number,
  first = 0,
): { items: ActivityRecord[]; total: number } {
  const start = windowStart(offset, held.count);
  const total = storedTotal + held.count;
  // The page starts at the `before`th row or record from `start`.
  const before = offset - start;
  const pending = held.newest(before + limit);
  // Unwritten records that go before the window's first row belong among the stored rows before it, so their
  // places here are not theirs; but there are at most as many as the rows between `start` and the page, so none of
  // them reaches it. Past the window's last row, places are exact only where the log ends there; the page never
  // reaches further.
  let [row, next] = mergedPrefix(window, first, pending, before);
  const items: ActivityRecord[] = [];
  while (items.length < limit && (row < window.length || next < pending.length)) {
    const record = next < pending.length ? pending.at(next)! : undefined;
    if (record && (row >= window.length || record.created_at >= window[row].created_at)) {
      items.push(record);
      next += 1;
    } else items.push(window[row++]);
  }
  return { items, total };
}

/**
 * Where the first `length` of the merge of `rows` (from index `first`) and `pending`, both newest first, end: the
 * index of the next row and of the next pending record. Found by halving: the merge takes a pending record before a
 * row of its instant or older, so the prefix with `i` rows is the merge's where the pending record before it is not
 * older than the next row, and the smallest such `i` is the one.
 */
function mergedPrefix(rows: readonly ActivityRecord[], first: number, pending: NewestRecords, length: number): [number, number] {
  const available = rows.length - first;
  if (length >= available + pending.length) return [rows.length, pending.length];
  let low = Math.max(0, length - pending.length);
  let high = Math.min(length, available);
  while (low < high) {
    const taken = (low + high) >>> 1;
    const pendingTaken = length - taken;
    if (pendingTaken > 0 && pending.at(pendingTaken - 1)!.created_at < rows[first + taken].created_at) low = taken + 1;
    else high = taken;
  }
  return [first + low, length - low];
}

/** Time order of records (their ISO times compare as strings): the order the store holds its records in. */
export const byTime = (a: ActivityRecord, b: ActivityRecord) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0);
