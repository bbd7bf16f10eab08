/**
 * The queue in front of one user's vault writes (src/store/postgres/vault-write-queue.ts), with a recording fake
 * for the database: which writes go together, in what order, and what each caller is told when things fail.
 */
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { VaultWriteQueue } from '../../src/store/postgres/vault-write-queue.js';

/** A fake database call that records its batches; `refuse` names the writes the database would refuse. */
function recording(refuse: (set: string) => boolean = () => false) {
  const batches: string[][] = [];
  const queue = new VaultWriteQueue<string, string>({
    writeSets: async (_userId, sets) => {
      batches.push(sets);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (sets.some(refuse)) throw new Error(`refused: ${sets.filter(refuse).join(', ')}`);
      return sets.map((set) => `stored ${set}`);
    },
    maxBatch: 4,
    maxQueued: 6,
  });
  return { queue, batches };
}

describe('vault write queue', () => {
  it('sends the first write alone and the writes that queued behind it together, at most maxBatch at a time', async () => {
    const { queue, batches } = recording();
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((set) => queue.set('u1', set)));
    expect(answers).toEqual(['stored a', 'stored b', 'stored c', 'stored d', 'stored e', 'stored f']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd', 'e'], ['f']]);
  });

  it('keeps a delete in its place: the sets before it and after it never share a batch', async () => {
    const { queue, batches } = recording();
    const first = queue.set('u1', 'a');
    const second = queue.set('u1', 'b');
    const deleted = queue.alone('u1', async () => `deleted after ${batches.flat().join(', ')}`);
    const third = queue.set('u1', 'c');
    const fourth = queue.set('u1', 'd');
    expect(await Promise.all([first, second, deleted, third, fourth])).toEqual(['stored a', 'stored b', 'deleted after a, b', 'stored c', 'stored d']);
    expect(batches).toEqual([['a'], ['b'], ['c', 'd']]);
  });

  it('runs each user’s writes apart', async () => {
    const { queue, batches } = recording();
    await Promise.all([queue.set('u1', 'a'), queue.set('u2', 'x'), queue.set('u1', 'b'), queue.set('u2', 'y')]);
    expect(batches).toEqual([['a'], ['x'], ['b'], ['y']]);
  });

  it('retries a refused batch write by write, so only the refused write fails', async () => {
    const { queue, batches } = recording((set) => set === 'bad');
    const settled = await Promise.allSettled(['a', 'b', 'bad', 'c'].map((set) => queue.set('u1', set)));
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'rejected'))).toEqual(['stored a', 'stored b', 'rejected', 'stored c']);
    expect(batches).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('fails the whole batch at once when the database is unreachable', async () => {
    const batches: string[][] = [];
    const queue = new VaultWriteQueue<string, string>({
      writeSets: async (_userId, sets) => {
        batches.push(sets);
        throw new StoreUnavailableError(new Error('connection lost'));
      },
      maxBatch: 4,
      maxQueued: 6,
    });
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((set) => queue.set('u1', set)));
    expect(settled.every((outcome) => outcome.status === 'rejected' && outcome.reason instanceof StoreUnavailableError)).toBe(true);
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('refuses past maxQueued waiting writes, and a delete that throws at once fails only its caller', async () => {
    const { queue } = recording();
    const calls = Array.from({ length: 9 }, (_, i) => queue.set('u1', `k${i}`));
    const settled = await Promise.allSettled(calls);
    // One running, six waiting; the last two are refused with 503.
    expect(settled.map((outcome) => outcome.status)).toEqual([...Array(7).fill('fulfilled'), 'rejected', 'rejected']);
    expect((settled[8] as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);

    const throwing = queue.alone('u1', (() => {
      throw new Error('thrown at once');
    }) as () => Promise<never>);
    const after = queue.set('u1', 'after');
    await expect(throwing).rejects.toThrow('thrown at once');
    await expect(after).resolves.toBe('stored after');
  });
});
