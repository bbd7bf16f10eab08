/**
 * `GET /health`, for load balancers and orchestrators in front of one or several server processes. It is not part
 * of the API (no credential, no quota, no activity record, not in the spec): 200 `{"status":"ok"}` when the store
 * can serve requests now, 503 `{"status":"unavailable"}` with Retry-After when it cannot (on PostgreSQL: no
 * connection to be had, or no answer), so that a process cut off from its database is taken out of rotation.
 */
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

export const HEALTH_PATH = '/health';

export function healthCheck(store: Pick<Store, 'ping'>, headers: Record<string, string>, logger: Logger): () => Promise<Response> {
  const json = { ...headers, 'Content-Type': 'application/json' };
  return async () => {
    try {
      await store.ping();
      return new Response('{"status":"ok"}', { status: 200, headers: json });
    } catch (failure) {
      logger.warn('health check failed', { error: failure instanceof Error ? failure.message : String(failure) });
      return new Response('{"status":"unavailable"}', { status: 503, headers: { ...json, 'Retry-After': '1' } });
    }
  };
}
