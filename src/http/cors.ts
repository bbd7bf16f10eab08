/**
 * CORS: which origins may read answers from a browser. An entry is an exact origin, `scheme://host:*` for any port
 * of a host (the dev server's localhost default), or `*` (refused in production by the config). A refused preflight
 * is logged with its origin, so "CORS error" in a browser has a line on the server that says why.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Logger } from '../log.js';

/** Headers a browser app may send in production; the dev server allows any. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Prefer', 'X-Request-Id', 'traceparent', 'tracestate'];
const EXPOSED_HEADERS = ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Spec-Version'];

export function originMatcher(allowed: string[]): (origin: string) => boolean {
  if (allowed.includes('*')) return () => true;
  const exact = new Set(allowed.filter((entry) => !entry.endsWith(':*')));
  const anyPort = allowed.filter((entry) => entry.endsWith(':*')).map((entry) => entry.slice(0, -2));
  return (origin) => exact.has(origin) || anyPort.some((host) => origin.startsWith(`${host}:`) && /^\d+$/.test(origin.slice(host.length + 1)));
}

export function corsMiddleware(allowed: string[], options: { anyHeader: boolean; logger: Logger }): MiddlewareHandler {
  const matches = originMatcher(allowed);
  return cors({
    origin: (origin: string, c: Context) => {
      if (matches(origin)) return origin;
      if (c.req.method === 'OPTIONS')
        options.logger.warn('CORS preflight refused: origin not allowed', { origin, path: c.req.path, allowed: allowed.join(',') || '(none)' });
      return null;
    },
    // An empty list makes Hono allow whatever the preflight asks for.
    allowHeaders: options.anyHeader ? [] : ALLOWED_HEADERS,
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
