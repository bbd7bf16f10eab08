/**
 * One AbortSignal from the caller's signal and a timeout. `AbortSignal.any` and `AbortSignal.timeout` are in every
 * current browser and Node >= 20.3; the fallback keeps older runtimes working (a timer that aborts with the same
 * `TimeoutError` name, so the SDK reports `TIMEOUT` either way).
 */
export function callSignal(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  if (timeoutMs === undefined || timeoutMs <= 0) return signal;
  const timeout = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : fallbackTimeout(timeoutMs);
  if (!signal) return timeout;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, timeout]);
  const controller = new AbortController();
  for (const source of [signal, timeout]) {
    if (source.aborted) controller.abort(source.reason);
    else source.addEventListener('abort', () => controller.abort(source.reason), { once: true });
  }
  return controller.signal;
}

function fallbackTimeout(timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('The request timed out', 'TimeoutError')), timeoutMs);
  return controller.signal;
}
