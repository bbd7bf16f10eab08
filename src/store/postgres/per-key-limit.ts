/**
 * At most `concurrency` operations per key at once; the rest wait in this process, not on a pooled connection.
 * Vault writes of one user serialise on that user's usage row anyway, so without this bound 200 parallel writes by
 * one user would hold every pooled connection while they wait on each other, and other users' requests would wait
 * for a connection (measured: 4.7 s). A queue longer than `maxQueued` refuses at once (503, retry later).
 */
import { StoreUnavailableError } from '../../errors.js';

export class PerKeyLimit {
  private readonly states = new Map<string, { running: number; queue: Array<() => void> }>();

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = { running: 0, queue: [] }));
    if (state.running >= this.concurrency) {
      if (state.queue.length >= this.maxQueued)
        throw new StoreUnavailableError(new Error(`too many concurrent writes for one user (${this.maxQueued} queued)`));
      // Woken by a finishing operation, which hands its slot over (so no newcomer can take it in between).
      await new Promise<void>((resolve) => state!.queue.push(resolve));
    } else {
      state.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = state.queue.shift();
      if (next) next();
      else if ((state.running -= 1) === 0) this.states.delete(key);
    }
  }
}
