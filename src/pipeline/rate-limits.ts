/**
 * Request quotas in fixed windows, counted in the store (so they hold across server processes on PostgreSQL; there
 * counted in the process and reconciled in batches, see quota-counter.ts):
 * per client IP (every request), per credential (after authentication), and a tighter one for failed
 * authentications and wrong 2FA codes per IP, which once passed refuses even valid credentials from that IP until
 * the window ends. Answers carry the IETF draft `RateLimit` and `RateLimit-Policy` headers; a refusal answers 429
 * `RATE_LIMITED` with `Retry-After`.
 */
import { RateLimitedError } from '../errors.js';
import type { Store } from '../store/types.js';
import { ReconcilingQuotaCounter, StoreQuotaCounter, type QuotaCounter } from './quota-counter.js';

export type RateLimitConfig = {
  perCredential: number;
  perIp: number;
  authFailuresPerIp: number;
  windowSeconds: number;
  /** PostgreSQL: how often counts are reconciled, and so how far processes may lag each other (quota-counter.ts). */
  syncIntervalMs?: number;
};
export type Quota = { limited: boolean; headers: Record<string, string>; retryAfterSeconds: number };

type Policy = 'per-ip' | 'per-credential' | 'auth-failures';

export class RateLimiter {
  private readonly counter: QuotaCounter;
  /** Each policy's `RateLimit-Policy` header: fixed by the configuration, so made once, not per answer. */
  private readonly policyHeaders: Record<Policy, string>;

  constructor(
    store: Store,
    private readonly config: RateLimitConfig,
  ) {
    this.counter = store.quotaCountsCostARoundTrip ? new ReconcilingQuotaCounter(store, config.syncIntervalMs) : new StoreQuotaCounter(store);
    const policy = (name: Policy, limit: number) => `"${name}";q=${limit};w=${config.windowSeconds}`;
    this.policyHeaders = {
      'per-ip': policy('per-ip', config.perIp),
      'per-credential': policy('per-credential', config.perCredential),
      'auth-failures': policy('auth-failures', config.authFailuresPerIp),
    };
  }

  /** Writes pending counts to the store (the server calls it before closing the store). */
  flush(): Promise<void> {
    return this.counter.flush();
  }

  private window(now: Date) {
    const size = this.config.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / size) * size;
    return { start, resetSeconds: Math.max(1, Math.ceil((start + size - now.getTime()) / 1000)) };
  }

  private quota(policy: Policy, limit: number, count: number, now: Date): Quota {
    const { resetSeconds } = this.window(now);
    return {
      limited: count > limit,
      retryAfterSeconds: resetSeconds,
      headers: { RateLimit: `"${policy}";r=${Math.max(0, limit - count)};t=${resetSeconds}`, 'RateLimit-Policy': this.policyHeaders[policy] },
    };
  }

  /** Counts a request against a quota; throws RateLimitedError past it. */
  async consume(policy: 'per-ip' | 'per-credential', key: string, now: Date): Promise<Quota> {
    const limit = policy === 'per-ip' ? this.config.perIp : this.config.perCredential;
    const count = await this.counter.count(`${policy}:${key}`, this.window(now).start, 1);
    const quota = this.quota(policy, limit, count, now);
    if (quota.limited) throw new RateLimitedError(quota);
    return quota;
  }

  /** Refuses an IP that already failed authentication too often in this window. */
  async assertAuthFailuresBelowLimit(ip: string, now: Date): Promise<void> {
    const count = await this.counter.count(`auth-failures:${ip}`, this.window(now).start, 0);
    if (count >= this.config.authFailuresPerIp) throw new RateLimitedError(this.quota('auth-failures', this.config.authFailuresPerIp, count + 1, now));
  }

  async recordAuthFailure(ip: string, now: Date): Promise<void> {
    await this.counter.count(`auth-failures:${ip}`, this.window(now).start, 1);
  }
}
