/**
 * Activity pages and stats answered again from what was read for them shortly before
 * (src/store/postgres/activity-read-cache.ts): every page and every stats equal those of the whole log as this
 * process accepted it, however the reads fall among its batch writes, and a read asked again while no write moved
 * sends no statement. Another process's records and a purge reach a page as the cache's comment says.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENTRY_MS, parseSnapshot, seenBy } from '../../src/store/postgres/activity-read-cache.js';
import { PgConnection } from '../../src/store/postgres/connection.js';
import { activityBytes } from '../../src/store/postgres/activity-sql.js';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import type { ActivityFilter, ActivityRecord } from '../../src/store/types.js';
import { DATABASE_URL, freshSchema, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { seededDraw } from '../support/seeded-random.js';

const SINCE = '2026-01-01T00:00:00.000Z';
const START = Date.parse('2026-06-01T00:00:00.000Z');

let counter = 0;
/** The `i`th record, made at second `second` (by default `i`). */
const record = (userId: string, i: number, second = i): ActivityRecord => ({
  id: `66a0${String((counter += 1)).padStart(20, '0')}`,
  user_id: userId,
  realm_id: '',
  method: i % 3 ? 'GET' : 'POST',
  path: '/api/v1/users/x',
  status_code: i % 4 ? 200 : 404,
  ip_address: '127.0.0.1',
  user_agent: 'test',
  created_at: new Date(START + second * 1000).toISOString(),
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!DATABASE_URL)('PostgreSQL activity pages and stats asked again', () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await makePostgresStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('equal the page of the whole log at every step of 400 random appends (out of time order), writes and reads of a page and the stats by up to four requests at once, and most send no statement', async () => {
    const draw = seededDraw(20_261_202);
    const user = 'cache-model';
    const log: ActivityRecord[] = [];
    const filters: ActivityFilter[] = [{ since: SINCE }, { since: SINCE, method: 'POST' }, { since: SINCE, minStatus: 400 }];
    let reads = 0;
    let readsWithoutStatement = 0;
    let statsReads = 0;
    let statsWithoutStatement = 0;
    let writeInFlight: Promise<void> = Promise.resolve();
    for (let step = 0; step < 400; step += 1) {
      for (let n = draw(4); n > 0; n -= 1) {
        // Made at its place's second or up to two before, so records arrive out of time order (a request that
        // started earlier finished later) and several share a second.
        const appended = record(user, log.length, log.length - draw(3));
        log.push(appended);
        await store.appendActivity(appended);
      }
      // A write of what is held, sometimes left in flight while the page is read, sometimes done before.
      const action = draw(10);
      if (action <= 1) await writeInFlight;
      if (action === 0) writeInFlight = store.writeHeldActivity();
      if (action === 1) await store.writeHeldActivity();
      const filter = filters[draw(filters.length)];
      const limit = 2 + draw(2);
      const page = 1 + draw(2);
      // The same page asked by several requests at once: the first reads it, the others wait for its window.
      const asking = 1 + draw(4);
      const before = store.statements;
      const answers = await Promise.all(Array.from({ length: asking }, () => store.listActivity(user, filter, page, limit)));
      reads += asking;
      readsWithoutStatement += Math.max(0, asking - (store.statements - before));
      // Newest first, and at one instant the later arrival first (its seq is higher once written).
      const matching = log
        .filter((r) => (filter.method === undefined || r.method === filter.method) && (filter.minStatus === undefined || r.status_code >= filter.minStatus))
        .reverse()
        .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
      for (const answer of answers) {
        expect({ step, ids: answer.items.map((r) => r.id), total: answer.total }).toEqual({
          step,
          ids: matching.slice((page - 1) * limit, page * limit).map((r) => r.id),
          total: matching.length,
        });
      }
      if (draw(2) === 0) {
        const beforeStats = store.statements;
        const stats = await Promise.all(Array.from({ length: asking }, () => store.activityStats(user, SINCE)));
        statsReads += asking;
        statsWithoutStatement += Math.max(0, asking - (store.statements - beforeStats));
        const expected = {
          totalRecords: log.length,
          totalSizeBytes: log.reduce((sum, r) => sum + activityBytes(r), 0),
          oldest: log.map((r) => r.created_at).sort()[0] ?? null,
          newest:
            log
              .map((r) => r.created_at)
              .sort()
              .at(-1) ?? null,
        };
        for (const answer of stats) expect({ step, ...answer }).toEqual({ step, ...expected });
      }
    }
    await writeInFlight;
    console.log(`activity pages read: ${reads}, of which ${readsWithoutStatement} sent no statement; stats: ${statsReads}, ${statsWithoutStatement}`);
    expect(readsWithoutStatement).toBeGreaterThan(reads / 2);
    expect(statsWithoutStatement).toBeGreaterThan(statsReads / 2);
  });

  /**
   * `here` writes the user's first record and reads its first page of `limit` (kept); then `elsewhere`, another
   * process, writes one.
   */
  async function readThenWrittenElsewhere(here: PostgresStore, elsewhere: PostgresStore, user: string, limit: number) {
    await here.appendActivity(record(user, 0));
    await here.writeHeldActivity();
    expect((await here.listActivity(user, { since: SINCE }, 1, limit)).total).toBe(1);
    await elsewhere.appendActivity(record(user, 1));
    await elsewhere.writeHeldActivity();
  }

  it("show what another process wrote once this store's entry can answer no more, and forget every entry on a purge", async () => {
    const user = 'cache-other-process';
    const schema = freshSchema();
    const here = await makePostgresStore({ schema });
    const elsewhere = await makePostgresStore({ schema });
    try {
      await readThenWrittenElsewhere(here, elsewhere, user, 10);
      // Past its life and the time it answers while read again (the test of a page asked past it): this one reads.
      await pause(2 * ENTRY_MS + 10);
      expect((await here.listActivity(user, { since: SINCE }, 1, 10)).total).toBe(2);
      // Read again at once, then purged here: the next page is read anew.
      expect((await here.listActivity(user, { since: SINCE }, 1, 10)).total).toBe(2);
      expect(await here.purgeActivity(new Date(START + 500).toISOString(), 100)).toBe(1);
      const before = here.statements;
      expect((await here.listActivity(user, { since: SINCE }, 1, 10)).total).toBe(1);
      expect(here.statements).toBe(before + 1);
    } finally {
      await Promise.all([here.close(), elsewhere.close()]);
    }
  });

  it('tell which transactions a snapshot sees as PostgreSQL does: one still running, ones committed before, one begun after', async () => {
    const running = await store.pool.connect();
    try {
      const committed = Number((await store.pool.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      await running.query('BEGIN');
      const open = Number((await running.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      const text = (await store.pool.query('SELECT pg_current_snapshot()::text AS s')).rows[0].s as string;
      const later = Number((await store.pool.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      const snapshot = parseSnapshot(text);
      for (const transaction of [committed, open, later, snapshot.xmin - 1, snapshot.xmin, snapshot.xmax]) {
        const { rows } = await store.pool.query('SELECT pg_visible_in_snapshot($1::text::xid8, $2::text::pg_snapshot) AS seen', [String(transaction), text]);
        expect({ transaction, seen: seenBy(snapshot, transaction) }).toEqual({ transaction, seen: rows[0].seen });
      }
      expect([seenBy(snapshot, committed), seenBy(snapshot, open), seenBy(snapshot, later)]).toEqual([true, false, false]);
    } finally {
      await running.query('ROLLBACK');
      running.release();
    }
  });

  it('asked by eight requests at once, a page or the stats is read once: the others wait for that read', async () => {
    const user = 'cache-together';
    for (let i = 0; i < 3; i += 1) await store.appendActivity(record(user, i));
    await store.writeHeldActivity();
    await pause(ENTRY_MS + 10);
    const before = store.statements;
    const pages = await Promise.all(Array.from({ length: 8 }, () => store.listActivity(user, { since: SINCE }, 1, 2)));
    const stats = await Promise.all(Array.from({ length: 8 }, () => store.activityStats(user, SINCE)));
    expect(store.statements - before).toBe(2);
    expect(new Set(pages.map((page) => JSON.stringify(page))).size).toBe(1);
    expect(pages[0].total).toBe(3);
    expect(stats.map((answer) => answer.totalRecords)).toEqual(Array(8).fill(3));
  });

  /**
   * A store on a schema of its own, named after it in pg_stat_activity, and a way to make its database slow: `lock`
   * takes its activity table in another transaction (on the store's own pool), and every read of it waits until
   * `unlock`.
   */
  async function withSlowDatabase(
    test: (slow: { store: PostgresStore; schema: string; lock: (mode?: string) => Promise<void>; unlock: () => Promise<void> }) => Promise<void>,
    activityReadCacheMs?: number,
  ) {
    const schema = freshSchema();
    const slow = await makePostgresStore({ schema, applicationName: schema, activityReadCacheMs });
    const locker = await slow.pool.connect();
    try {
      await test({
        store: slow,
        schema,
        // ACCESS EXCLUSIVE holds reads and writes; SHARE only writes.
        lock: async (mode = 'ACCESS EXCLUSIVE') => {
          await locker.query('BEGIN');
          await locker.query(`LOCK TABLE "${schema}".activity IN ${mode} MODE`);
        },
        unlock: async () => {
          await locker.query('COMMIT');
        },
      });
    } finally {
      locker.release();
      await slow.close();
    }
  }

  /**
   * The statements of the store named `schema` waiting for the lock, as the database sees them (from another
   * connection: a transaction sees one view of pg_stat_activity throughout).
   */
  const waitingForLock = async (schema: string) =>
    Number((await store.pool.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [schema])).rows[0].n);

  /** How many statements wait for the lock once `count` do, or after 2 s (bounded). */
  const waitingReaches = async (schema: string, count: number) => {
    for (let tries = 0; tries < 100 && (await waitingForLock(schema)) < count; tries += 1) await pause(20);
    return waitingForLock(schema);
  };

  it('asked by eight requests at once while the database is slow, a page or the stats is still read once: those that waited take the answer of a read slower than an entry lives', async () => {
    const user = 'cache-slow';
    await withSlowDatabase(async ({ store: slow, lock, unlock }) => {
      for (let i = 0; i < 3; i += 1) await slow.appendActivity(record(user, i));
      await slow.writeHeldActivity();
      // The reads wait for this lock, so that each answers well after the time an entry answers for.
      await lock();
      const before = slow.statements;
      const asked = Promise.all([
        Promise.all(Array.from({ length: 8 }, () => slow.listActivity(user, { since: SINCE }, 1, 2))),
        Promise.all(Array.from({ length: 8 }, () => slow.activityStats(user, SINCE))),
      ]);
      await pause(2 * ENTRY_MS);
      await unlock();
      const [pages, stats] = await asked;
      // One page read, one stats read, and the COMMIT (the store counts its pool's every statement).
      expect(slow.statements - before).toBe(3);
      expect(pages.map((page) => page.total)).toEqual(Array(8).fill(3));
      expect(new Set(pages.map((page) => JSON.stringify(page))).size).toBe(1);
      expect(stats.map((answer) => answer.totalRecords)).toEqual(Array(8).fill(3));
    });
  });

  it('asked by eight requests while more records come than a deep page read holds, read once more, not once per request', async () => {
    const user = 'cache-outrun';
    const reads = vi.spyOn(PgConnection.prototype, 'read');
    try {
      await withSlowDatabase(async ({ store: slow, lock, unlock }) => {
        for (let i = 0; i < 30; i += 1) await slow.appendActivity(record(user, i));
        await slow.writeHeldActivity();
        await lock();
        // One record held when the page is read: its window then starts two pages early (offset 10 - 1 - 4 = 5).
        await slow.appendActivity(record(user, 30));
        reads.mockClear();
        const asked = Promise.all(Array.from({ length: 8 }, () => slow.listActivity(user, { since: SINCE }, 6, 2)));
        await pause(10);
        // Six more before it answers: the page now needs stored rows from offset 10 - 7 = 3, ahead of the window.
        for (let i = 31; i < 37; i += 1) await slow.appendActivity(record(user, i));
        await unlock();
        const pages = await asked;
        expect(reads).toHaveBeenCalledTimes(2);
        await slow.writeHeldActivity();
        const whole = await slow.listActivity(user, { since: SINCE }, 6, 2);
        // The first request's page, as of its read, and the seven others', as of the second.
        expect(pages.map((page) => page.total)).toEqual([31, ...Array(7).fill(37)]);
        expect(pages[0].items.map((item) => item.id)).not.toEqual(whole.items.map((item) => item.id));
        for (const page of pages.slice(1)) expect(page).toEqual(whole);
      });
    } finally {
      reads.mockRestore();
    }
  });

  it('asked longer than an entry lives after a slow read was sent, a page is read at once rather than after it', async () => {
    const user = 'cache-slow-later';
    await withSlowDatabase(async ({ store: slow, schema, lock, unlock }) => {
      await slow.appendActivity(record(user, 0));
      await slow.writeHeldActivity();
      await lock();
      const first = slow.listActivity(user, { since: SINCE }, 1, 2);
      expect(await waitingReaches(schema, 1)).toBe(1);
      await pause(ENTRY_MS + 10);
      const later = slow.listActivity(user, { since: SINCE }, 1, 2);
      // The later request did not wait for a read that could not answer it: its own is sent while the lock holds.
      expect(await waitingReaches(schema, 2)).toBe(2);
      await unlock();
      expect((await Promise.all([first, later])).map((page) => page.total)).toEqual([1, 1]);
    });
  });

  it("asked past an entry's life, a page is answered from it at once while one read is sent again, which the next requests take", async () => {
    const user = 'cache-stale';
    // Entries of 200 ms, so that the steps below fit in an entry's second life on a busy machine.
    const entryMs = 200;
    await withSlowDatabase(async ({ store: slow, schema, lock, unlock }) => {
      const elsewhere = await makePostgresStore({ schema });
      try {
        await readThenWrittenElsewhere(slow, elsewhere, user, 2);
        // One more of its own, written after its read: its answers past the entry's life still show it, though
        // another of its writes (another user's record) came more than an entry's life after it.
        await slow.appendActivity(record(user, 2));
        await slow.writeHeldActivity();
        await pause(entryMs + 20);
        await slow.appendActivity(record(`${user}-other`, 3));
        await slow.writeHeldActivity();
        // The read sent again waits for the lock; the four requests do not wait for it.
        await lock();
        const asked = Promise.all(Array.from({ length: 4 }, () => slow.listActivity(user, { since: SINCE }, 1, 2)));
        const answered = await Promise.race([asked, pause(1000).then(() => undefined)]);
        // The one read sent, and no other after a moment.
        await waitingReaches(schema, 1);
        await pause(50);
        const readsWaiting = await waitingForLock(schema);
        await unlock();
        expect(answered?.map((page) => page.total)).toEqual([2, 2, 2, 2]);
        expect(readsWaiting).toBe(1);
        // Once that read answers, the next request shows the other process's record too (bounded: 50 tries).
        let total = 2;
        for (let tries = 0; tries < 50 && total === 2; tries += 1) {
          await pause(10);
          total = (await slow.listActivity(user, { since: SINCE }, 1, 2)).total;
        }
        expect(total).toBe(3);
      } finally {
        await elsewhere.close();
      }
    }, entryMs);
  });

  it('answered from a kept page while a batch sent during its read is in flight, with none of it lost and no statement sent', async () => {
    const user = 'cache-batch-during-read';
    // Long entries: the second request must come within the first read's entry, on a busy machine too.
    await withSlowDatabase(async ({ store: slow, lock, unlock }) => {
      await slow.appendActivity(record(user, 0));
      await slow.writeHeldActivity();
      // Writes wait from here on; reads do not.
      await lock('SHARE');
      await slow.appendActivity(record(user, 1));
      const first = slow.listActivity(user, { since: SINCE }, 1, 5);
      // Sent after the read looked up record 1, before it answers: the batch takes records 1 and 2, and its last
      // record was not looked up.
      await slow.appendActivity(record(user, 2));
      const writing = slow.writeHeldActivity();
      expect((await first).total).toBe(2);
      const before = slow.statements;
      const second = await slow.listActivity(user, { since: SINCE }, 1, 5);
      const sent = slow.statements - before;
      await unlock();
      await writing;
      expect(second.total).toBe(3);
      expect(second).toEqual(await slow.listActivity(user, { since: SINCE }, 1, 5));
      expect(sent).toBe(0);
    }, 1000);
  });

  it('a store told to keep none sends a statement for every page', async () => {
    const none = await makePostgresStore({ activityReadCacheMs: 0 });
    try {
      const before = none.statements;
      for (let i = 0; i < 3; i += 1) await none.listActivity('cache-none', { since: SINCE }, 1, 10);
      expect(none.statements).toBe(before + 3);
    } finally {
      await none.close();
    }
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
