/**
 * What only the dev server (`npm run dev`) has, registered by createApp when `config.dev` is set and never
 * otherwise (the config refuses --dev with NODE_ENV=production):
 *
 * - `POST /__dev/reset`: back to the demo data, without a restart (tokens made by hand, vault writes, quotas and
 *   lockouts all go);
 * - latency for loading states: every answer waits `DEV_LATENCY_MS`, or what a request's `Dev-Latency` header says
 *   (milliseconds, at most 30 s).
 */
import type { Hono } from 'hono';

export type DevControls = { reset(): Promise<void> };

const MAX_LATENCY_MS = 30_000;

export function registerDevRoutes(app: Hono, controls: DevControls, defaultLatencyMs: number): void {
  app.use('*', async (c, next) => {
    const asked = Number(c.req.header('dev-latency') ?? defaultLatencyMs);
    const latency = Number.isFinite(asked) ? Math.min(Math.max(asked, 0), MAX_LATENCY_MS) : 0;
    if (latency > 0 && c.req.method !== 'OPTIONS') await new Promise((resolve) => setTimeout(resolve, latency));
    await next();
  });
  app.post('/__dev/reset', async (c) => {
    await controls.reset();
    return c.json({ statusCode: 200, message: 'Reset to the demo data' });
  });
}
