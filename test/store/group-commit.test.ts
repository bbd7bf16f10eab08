/**
 * GroupCommit (src/store/postgres/group-commit.ts) with a write whose completion the test controls: what a reader
 * waits for before it reads, and that concurrent flushes share writes.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/postgres/group-commit.js';

type Item = { user: string; n: number };

/** A GroupCommit whose writes stay pending until the test finishes (or fails) them, in the order they started. */
function controlled(order?: (a: Item, b: Item) => number) {
  const writes: Array<{ batch: Item[]; finish: () => void; fail: (failure: Error) => void }> = [];
  const commit = new GroupCommit<Item>(
    (batch) =>
      new Promise<void>((resolve, reject) => {
        writes.push({ batch: [...batch], finish: resolve, fail: reject });
      }),
    { order },
  );
  return { commit, writes };
}

/** Whether `promise` has settled after the pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

const ofUser = (user: string) => (item: Item) => item.user === user;

describe('GroupCommit.written', () => {
  it('waits only for the write that holds the reader’s items, not for the follow-up of other users’ items', async () => {
    const { commit, writes } = controlled();
    commit.add({ user: 'a', n: 1 });
    const first = commit.flush();
    commit.add({ user: 'b', n: 2 });
    // b's item needs a follow-up write after the one in flight; a's only needs the one in flight.
    const forB = commit.written(ofUser('b'));
    const forA = commit.written(ofUser('a'));
    expect(writes.map((write) => write.batch)).toEqual([[{ user: 'a', n: 1 }]]);
    expect(await settled(forA)).toBe(false);
    writes[0].finish();
    await first;
    expect(await settled(forA)).toBe(true);
    expect(await settled(forB)).toBe(false);
    expect(writes.map((write) => write.batch)).toEqual([[{ user: 'a', n: 1 }], [{ user: 'b', n: 2 }]]);
    writes[1].finish();
    expect(await settled(forB)).toBe(true);
  });

  it('flushes a queued item at once, without waiting for the interval', async () => {
    const { commit, writes } = controlled();
    commit.add({ user: 'a', n: 1 });
    const forA = commit.written(ofUser('a'));
    expect(writes).toHaveLength(1);
    expect(await settled(forA)).toBe(false);
    writes[0].finish();
    expect(await settled(forA)).toBe(true);
  });

  it('writes nothing and waits for nothing when the reader has no item held', async () => {
    const { commit, writes } = controlled();
    commit.add({ user: 'a', n: 1 });
    const forB = commit.written(ofUser('b'));
    expect(await settled(forB)).toBe(true);
    expect(writes).toHaveLength(0);
    const flushed = commit.flush();
    writes[0].finish();
    await flushed;
  });

  it('fails the reader whose items were in a write that failed, and keeps them for the next write', async () => {
    const { commit, writes } = controlled();
    commit.add({ user: 'a', n: 1 });
    void commit.flush().catch(() => {});
    const forA = commit.written(ofUser('a'));
    writes[0].fail(new Error('lock timeout'));
    await expect(forA).rejects.toThrow('lock timeout');
    const again = commit.written(ofUser('a'));
    expect(writes[1].batch).toEqual([{ user: 'a', n: 1 }]);
    writes[1].finish();
    await again;
  });

  it('shares writes: readers that ask while one is in flight wait for one follow-up between them', async () => {
    const { commit, writes } = controlled();
    commit.add({ user: 'a', n: 1 });
    void commit.flush();
    const readers = ['b', 'c', 'd'].map((user, n) => {
      commit.add({ user, n });
      return commit.written(ofUser(user));
    });
    writes[0].finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
    expect(writes[1].batch.map((item) => item.user)).toEqual(['b', 'c', 'd']);
    writes[1].finish();
    await Promise.all(readers);
  });
});

describe('GroupCommit.unwritten', () => {
  it('answers the batch being written and the queue as two groups, each with its last item, at once', async () => {
    const { commit, writes } = controlled();
    commit.add({ user: 'a', n: 1 });
    commit.add({ user: 'b', n: 2 });
    void commit.flush();
    commit.add({ user: 'a', n: 3 });
    commit.add({ user: 'c', n: 4 });
    expect(commit.unwritten(ofUser('a'))).toEqual([
      { last: { user: 'b', n: 2 }, matching: [{ user: 'a', n: 1 }] },
      { last: { user: 'c', n: 4 }, matching: [{ user: 'a', n: 3 }] },
    ]);
    expect(commit.unwritten(ofUser('c'))).toEqual([{ last: { user: 'c', n: 4 }, matching: [{ user: 'c', n: 4 }] }]);
    expect(commit.unwritten(ofUser('z'))).toEqual([]);
    writes[0].finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(commit.unwritten(ofUser('a'))).toEqual([{ last: { user: 'c', n: 4 }, matching: [{ user: 'a', n: 3 }] }]);
    const flushed = commit.flush();
    writes[1].finish();
    await flushed;
    expect(commit.unwritten(ofUser('a'))).toEqual([]);
  });

  it('after a failed write, its batch and the queue are one group, which the next write takes whole', async () => {
    const { commit, writes } = controlled();
    commit.add({ user: 'a', n: 1 });
    const failed = commit.flush().catch(() => {});
    commit.add({ user: 'a', n: 2 });
    writes[0].fail(new Error('lock timeout'));
    await failed;
    expect(commit.unwritten(ofUser('a'))).toEqual([
      {
        last: { user: 'a', n: 2 },
        matching: [
          { user: 'a', n: 1 },
          { user: 'a', n: 2 },
        ],
      },
    ]);
    const flushed = commit.flush();
    expect(writes[1].batch).toEqual([
      { user: 'a', n: 1 },
      { user: 'a', n: 2 },
    ]);
    writes[1].finish();
    await flushed;
  });
});

describe('GroupCommit with an order (the activity log: time)', () => {
  const byN = (a: Item, b: Item) => a.n - b.n;
  const shown = (items: readonly Item[]) => items.map((item) => `${item.user}${item.n}`);

  it('keeps the queue, and so each batch, in that order, and in arrival order among equals', async () => {
    const { commit, writes } = controlled(byN);
    for (const [user, n] of [
      ['a', 5],
      ['a', 3],
      ['a', 4],
      ['b', 3],
      ['c', 6],
      ['c', 1],
    ] as const)
      commit.add({ user, n });
    expect(shown(commit.queued)).toEqual(['c1', 'a3', 'b3', 'a4', 'a5', 'c6']);
    const flushed = commit.flush();
    expect(shown(writes[0].batch)).toEqual(['c1', 'a3', 'b3', 'a4', 'a5', 'c6']);
    writes[0].finish();
    await flushed;
  });

  it('merges a failed batch back into the queue in order, the batch first among equals (it arrived first)', async () => {
    const { commit, writes } = controlled(byN);
    for (const n of [2, 4, 6]) commit.add({ user: 'a', n });
    const failed = commit.flush().catch(() => {});
    for (const [user, n] of [
      ['b', 4],
      ['b', 1],
      ['b', 7],
    ] as const)
      commit.add({ user, n });
    writes[0].fail(new Error('lock timeout'));
    await failed;
    expect(shown(commit.queued)).toEqual(['b1', 'a2', 'a4', 'b4', 'a6', 'b7']);
    // One group, whose last item is the queue's last: the next write takes it whole.
    expect(commit.unwritten(ofUser('a')).map((group) => [shown([group.last]), shown(group.matching)])).toEqual([[['b7'], ['a2', 'a4', 'a6']]]);
    const flushed = commit.flush();
    expect(shown(writes[1].batch)).toEqual(['b1', 'a2', 'a4', 'b4', 'a6', 'b7']);
    writes[1].finish();
    await flushed;
  });
});

describe('GroupCommit.arrived', () => {
  const byN = (a: Item, b: Item) => a.n - b.n;
  const shown = (items: readonly Item[]) => items.map((item) => `${item.user}${item.n}`);
  /** The arrivals sorted stably by the order: what a reader that follows them makes of the queue. */
  const sorted = (items: readonly Item[]) => shown([...items].sort(byN));

  it('holds the queued items in the order they came, one array while the queue only grows, sorting to the queue', async () => {
    const { commit, writes } = controlled(byN);
    const arrived = commit.arrived;
    for (const [user, n] of [
      ['a', 5],
      ['a', 3],
      ['b', 5],
      ['c', 1],
    ] as const)
      commit.add({ user, n });
    expect(commit.arrived).toBe(arrived);
    expect(shown(commit.arrived)).toEqual(['a5', 'a3', 'b5', 'c1']);
    expect(sorted(commit.arrived)).toEqual(shown(commit.queued));
    // Taken by a write: a new array, for what comes next.
    const flushed = commit.flush();
    expect(commit.arrived).not.toBe(arrived);
    expect(commit.arrived).toEqual([]);
    commit.add({ user: 'd', n: 2 });
    expect(shown(commit.arrived)).toEqual(['d2']);
    writes[0].finish();
    await flushed;
  });

  it('after a failed write, a new array that sorts to the queue rebuilt with the batch', async () => {
    const { commit, writes } = controlled(byN);
    for (const n of [2, 6]) commit.add({ user: 'a', n });
    const failed = commit.flush().catch(() => {});
    commit.add({ user: 'b', n: 4 });
    const arrivedBefore = commit.arrived;
    writes[0].fail(new Error('lock timeout'));
    await failed;
    expect(commit.arrived).not.toBe(arrivedBefore);
    expect(sorted(commit.arrived)).toEqual(['a2', 'b4', 'a6']);
    expect(sorted(commit.arrived)).toEqual(shown(commit.queued));
  });
});

describe('GroupCommit.writtenFrom', () => {
  it('keeps each written batch with what its write answered, numbered in the order writes succeeded; a failed one is queued again', async () => {
    const answers: Array<{ batch: Item[]; finish: (receipt: number) => void; fail: (failure: Error) => void }> = [];
    const commit = new GroupCommit<Item, number>(
      (batch) => new Promise<number>((resolve, reject) => answers.push({ batch: [...batch], finish: resolve, fail: reject })),
      { keepWrittenMs: 60_000 },
    );
    commit.add({ user: 'a', n: 1 });
    const first = commit.flush();
    expect([commit.started, commit.succeeded, commit.writing.map((item) => item.n), commit.queued]).toEqual([1, 0, [1], []]);
    answers[0].finish(700);
    await first;
    commit.add({ user: 'a', n: 2 });
    const failed = commit.flush();
    answers[1].fail(new Error('refused'));
    await expect(failed).rejects.toThrow('refused');
    expect([commit.writing, commit.queued.map((item) => item.n)]).toEqual([[], [2]]);
    commit.add({ user: 'b', n: 3 });
    const third = commit.flush();
    answers[2].finish(702);
    await third;
    expect([commit.started, commit.succeeded]).toEqual([3, 2]);
    expect(commit.writtenFrom(1).map(({ ordinal, receipt, items }) => ({ ordinal, receipt, n: items.map((item) => item.n) }))).toEqual([
      { ordinal: 1, receipt: 700, n: [1] },
      { ordinal: 2, receipt: 702, n: [2, 3] },
    ]);
    expect(commit.writtenFrom(2).map((batch) => batch.ordinal)).toEqual([2]);
    expect(commit.writtenFrom(3)).toEqual([]);
  });

  it('forgets a written batch once it is older than it keeps them', async () => {
    let now = 0;
    const commit = new GroupCommit<Item, number>(async () => now, { keepWrittenMs: 50, clock: () => now });
    commit.add({ user: 'a', n: 1 });
    await commit.flush();
    now = 40;
    commit.add({ user: 'a', n: 2 });
    await commit.flush();
    now = 70;
    commit.add({ user: 'a', n: 3 });
    await commit.flush();
    expect(commit.writtenFrom(0).map((batch) => batch.items[0].n)).toEqual([2, 3]);
  });
});
