/**
 * Activity retention: entries are kept 30 days (what `activity.list` shows and what the job deletes), deleted in
 * bounded batches, so one run never holds the store (or a table lock) for long, and a backlog drains over
 * consecutive batches.
 */
import type { Logger } from '../log.js';
import { isoTextOnceAMillisecond } from './dates.js';
import type { Store } from '../store/types.js';

export const RETENTION_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

const retentionText = isoTextOnceAMillisecond();

/** The oldest instant still kept (asked by every activity read). */
export function retentionStart(now: Date): string {
  return retentionText(now.getTime() - RETENTION_DAYS * DAY_MS);
}

const RETENTION_BATCH = 1000;

/** Deletes everything past retention, one batch at a time; answers how many entries went. */
export async function purgeExpiredActivity(store: Store, now: Date, batchSize = RETENTION_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await store.purgeActivity(retentionStart(now), batchSize);
    total += removed;
    if (removed < batchSize) return total;
  }
}

/** Runs the purge every `intervalMs` (hourly by default) without keeping the process alive. */
export function startRetentionJob(store: Store, logger: Logger, intervalMs = 60 * 60 * 1000): () => void {
  const timer = setInterval(() => {
    void store.purgeRateLimits(Date.now() - 3600_000).catch(() => {});
    purgeExpiredActivity(store, new Date()).then(
      (removed) => removed > 0 && logger.info('activity retention', { removed }),
      (failure) => logger.error('activity retention failed', { error: String(failure) }),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
