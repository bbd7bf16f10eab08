/**
 * pageWithUnwritten and pageFromWindow (src/store/postgres/unwritten-activity.ts) against a model of the log: stored
 * rows ordered by (time, seq) newest first, and the records this process has not written, which get higher seqs in
 * arrival order when they are. Times come from a handful of instants, so most records tie with stored rows and with
 * each other.
 */
import { describe, expect, it } from 'vitest';
import {
  byTime,
  heldRuns,
  narrowWindowRows,
  pageFromWindow,
  pageWithUnwritten,
  windowStart,
  type HeldRecords,
  type StoredWindow,
} from '../../src/store/postgres/unwritten-activity.js';
import type { ActivityRecord } from '../../src/store/types.js';
import { seededDraw } from '../support/seeded-random.js';

/** What a statement answers for `count` rows of the stored log from `start`. */
const read = (storedLog: ActivityRecord[], start: number, count: number): StoredWindow => {
  const rows = storedLog.slice(start, start + count);
  return { start, rows, complete: rows.length < count, storedTotal: storedLog.length };
};

const INSTANTS = ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.001Z', '2026-11-30T10:00:01.000Z', '2026-11-30T11:00:00.000Z', '2026-12-01T00:00:00.000Z'];

let counter = 0;
const record = (created_at: string): ActivityRecord => ({
  id: `r${(counter += 1)}`,
  user_id: 'u',
  realm_id: '',
  method: 'GET',
  path: '/p',
  status_code: 200,
  ip_address: '127.0.0.1',
  user_agent: 'test',
  created_at,
});

/**
 * The model the store's runs are checked against: records in arrival order, or in time order with arrival order at
 * each instant (the two give the same pages), counted one by one, the newest found by a stable sort.
 */
function heldInArrivalOrder(records: readonly ActivityRecord[]): HeldRecords {
  return {
    count: records.length,
    atOrAfter: (time) => records.filter((record) => record.created_at >= time).length,
    // Later arrivals first, then newest first by a stable sort.
    newest: (count) =>
      records
        .slice()
        .reverse()
        .sort((a, b) => byTime(b, a))
        .slice(0, count),
  };
}

/**
 * The same records as the store holds them (`heldRuns`): cut into runs of consecutive arrivals (its batches), each
 * in time order, arrival order at each instant (a stable sort).
 */
function asRuns(records: ActivityRecord[], draw: (below: number) => number): ActivityRecord[][] {
  const runs: ActivityRecord[][] = [];
  for (let from = 0; from < records.length;) {
    const length = 1 + draw(records.length - from);
    runs.push(records.slice(from, from + length).sort(byTime));
    from += length;
  }
  return runs;
}

/** The log once everything is written: newest first, and at one instant the later seq first. */
const ordered = (rows: { record: ActivityRecord; seq: number }[]) =>
  [...rows]
    .sort((a, b) => (a.record.created_at < b.record.created_at ? 1 : a.record.created_at > b.record.created_at ? -1 : b.seq - a.seq))
    .map((row) => row.record);

describe('an activity page with the records this process has not written yet', () => {
  it('equals the page of the log once they are written, for every page of 2,000 random logs, from a narrow window where it holds', () => {
    const draw = seededDraw(20_261_202);
    const cut = seededDraw(20_261_203);
    let narrowsHeld = 0;
    let narrowsPastFirstRow = 0;
    for (let trial = 0; trial < 2000; trial += 1) {
      const stored = Array.from({ length: draw(30) }, (_, seq) => ({ record: record(INSTANTS[draw(INSTANTS.length)]), seq }));
      // Held in arrival order; the first of them written by the time the window is read (then they are stored rows).
      const held = Array.from({ length: draw(8) }, () => record(INSTANTS[draw(INSTANTS.length)]));
      const writtenMeanwhile = draw(held.length + 1);
      const storedNow = [...stored, ...held.slice(0, writtenMeanwhile).map((r, i) => ({ record: r, seq: stored.length + i }))];
      const unwritten = held.slice(writtenMeanwhile);
      const everything = ordered([...storedNow, ...unwritten.map((r, i) => ({ record: r, seq: storedNow.length + i }))]);
      const storedLog = ordered(storedNow);
      const limit = 1 + draw(6);
      for (let offset = 0; offset <= everything.length + limit; offset += limit) {
        const start = windowStart(offset, unwritten.length);
        const expected = { trial, offset, ids: everything.slice(offset, offset + limit).map((r) => r.id), total: everything.length };
        const wide = pageWithUnwritten(storedLog.slice(start, offset + limit), storedLog.length, heldInArrivalOrder(unwritten), offset, limit);
        expect({ trial, offset, ids: wide.items.map((r) => r.id), total: wide.total }).toEqual(expected);
        // The same records in time order, arrival order at each instant, and as runs of the store's (which may
        // overlap, or follow one another in time as under a flood): the same page.
        const inTimeOrder = [...unwritten].sort(byTime);
        for (const held of [heldInArrivalOrder(inTimeOrder), heldRuns(asRuns(unwritten, cut)), heldRuns(asRuns(inTimeOrder, cut))]) {
          const fromTimeOrder = pageWithUnwritten(storedLog.slice(start, offset + limit), storedLog.length, held, offset, limit);
          expect({ trial, offset, ids: fromTimeOrder.items.map((r) => r.id), total: fromTimeOrder.total }).toEqual(expected);
        }
        const narrowWindow = read(storedLog, start, narrowWindowRows(offset, limit, unwritten.length));
        const narrow = pageFromWindow(narrowWindow, heldInArrivalOrder(unwritten), offset, limit);
        // Runs tell whether the window holds the page as the records do.
        const narrowFromRuns = pageFromWindow(narrowWindow, heldRuns(asRuns(unwritten, cut)), offset, limit);
        expect({ trial, offset, ids: narrowFromRuns?.items.map((r) => r.id) }).toEqual({ trial, offset, ids: narrow?.items.map((r) => r.id) });
        if (!narrow) continue;
        narrowsHeld += 1;
        // The cases the window holds although a record not written goes after its first row.
        if (narrowWindow.rows.length > 0 && unwritten.some((r) => r.created_at < narrowWindow.rows[0].created_at)) narrowsPastFirstRow += 1;
        expect({ trial, offset, ids: narrow.items.map((r) => r.id), total: narrow.total }).toEqual(expected);
      }
    }
    // The narrow window was checked often enough, also where a record not written goes after its first row.
    expect(narrowsHeld).toBeGreaterThan(2000);
    expect(narrowsPastFirstRow).toBeGreaterThan(500);
    console.log(`narrow windows checked: ${narrowsHeld}, of which ${narrowsPastFirstRow} with a record not written after the first row`);
  });
});

describe('a window kept for a page asked again (activity-read-cache.ts)', () => {
  it('answers the page of the log as it is now, or nothing, after more records arrive unwritten, for 2,000 random logs', () => {
    const draw = seededDraw(20_261_203);
    const cut = seededDraw(20_261_204);
    let answered = 0;
    let answeredAfterArrivals = 0;
    for (let trial = 0; trial < 2000; trial += 1) {
      const storedLog = ordered(Array.from({ length: draw(40) }, (_, seq) => ({ record: record(INSTANTS[draw(INSTANTS.length)]), seq })));
      const limit = 1 + draw(6);
      const offset = limit * draw(8);
      // Held when the window is read, and what arrives before the page is asked again (later instants, mostly).
      const heldThen = Array.from({ length: draw(5) }, () => record(INSTANTS[draw(INSTANTS.length)]));
      const arrived = Array.from({ length: draw(2 * limit) }, () => record(INSTANTS[Math.max(draw(INSTANTS.length), draw(INSTANTS.length))]));
      const heldNow = [...heldThen, ...arrived];
      // As the store reads it: `limit` rows early where there are rows there, narrow or wide.
      const start = windowStart(offset, heldThen.length);
      const earlier = heldThen.length === 0 ? 0 : Math.min(limit, start);
      const rows = draw(2) === 0 ? narrowWindowRows(offset, limit, heldThen.length) : Math.min(offset, heldThen.length) + limit;
      const kept = read(storedLog, start - earlier, rows + earlier);
      const page = pageFromWindow(kept, heldInArrivalOrder(heldNow), offset, limit);
      const fromRuns = pageFromWindow(kept, heldRuns(asRuns(heldNow, cut)), offset, limit);
      expect({ trial, ids: fromRuns?.items.map((r) => r.id), total: fromRuns?.total }).toEqual({
        trial,
        ids: page?.items.map((r) => r.id),
        total: page?.total,
      });
      if (!page) continue;
      answered += 1;
      if (arrived.length > 0) answeredAfterArrivals += 1;
      const everything = ordered([
        ...storedLog.map((r, i) => ({ record: r, seq: storedLog.length - i })),
        ...heldNow.map((r, i) => ({ record: r, seq: storedLog.length + 1 + i })),
      ]);
      expect({ trial, ids: page.items.map((r) => r.id), total: page.total }).toEqual({
        trial,
        ids: everything.slice(offset, offset + limit).map((r) => r.id),
        total: everything.length,
      });
    }
    expect(answered).toBeGreaterThan(1000);
    expect(answeredAfterArrivals).toBeGreaterThan(500);
    console.log(`kept windows that answered: ${answered}, of which ${answeredAfterArrivals} after more records arrived`);
  });
});
