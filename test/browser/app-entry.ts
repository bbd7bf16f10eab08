/**
 * The frontend app of test/browser/frontend.test.ts, bundled with esbuild from the built SDK package and loaded by
 * Chromium from another origin: it calls the operations it is given through the SDK and reports each outcome.
 */
import { createHoodyClient, HoodyTransportError } from '@hoody/sdk';

type Call = { operationId: string; params: Record<string, unknown>; headers?: Record<string, string> };
export type Outcome = { operationId: string; status: number; code: string | null; transport: string | null; allowOrigin: boolean; rateLimit: string | null };

async function runCalls(baseUrl: string, token: string, calls: Call[]): Promise<Outcome[]> {
  const api = createHoodyClient({ baseUrl, token }).api as unknown as Record<string, Record<string, (params: unknown, options: unknown) => Promise<any>>>;
  const outcomes: Outcome[] = [];
  for (const { operationId, params, headers } of calls) {
    const [group, method] = operationId.split('.') as [string, string];
    const result = await api[group]![method]!(params, { headers, timeout: 10_000 });
    outcomes.push({
      operationId,
      status: result.response?.status ?? 0,
      code: result.error?.code ?? null,
      transport: result.error instanceof HoodyTransportError ? result.error.message : null,
      // A cross-origin answer is readable only with a valid Access-Control-Allow-Origin, so reading its status
      // at all proves it; the exposed rate-limit header shows the expose list works too.
      allowOrigin: result.response !== undefined,
      rateLimit: result.response?.headers.get('ratelimit') ?? null,
    });
  }
  return outcomes;
}

async function iterate(baseUrl: string, token: string): Promise<number> {
  const api = createHoodyClient({ baseUrl, token }).api;
  let count = 0;
  for await (const entry of api.vault.listIterator()) count += entry.key ? 1 : 0;
  return count;
}

Object.assign(globalThis, { runCalls, iterate });
