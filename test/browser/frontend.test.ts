/**
 * A frontend app in Chromium, served from another origin (http://localhost:<port>), using the built SDK package
 * against the three backends a frontend team uses: the static mock, the dynamic mock and the dev server. Every
 * operation is called; each call must get its answer through CORS (preflights for PATCH/POST/DELETE with
 * Authorization included) with the outcome the backend gives without a browser.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockSpec } from '@hoody/sdk/msw';
import { startMock } from '../../scripts/mock/server.js';
import { ROOT } from '../support/cli.js';
import { hasChromium, launchChromium, MISSING_CHROMIUM } from '../support/chromium.js';
import { startServerProcess } from '../support/process.js';
import { answeredApi } from '../support/answered.js';
import { callOperation, operationIds, sampleParams } from '../support/sample-calls.js';
import type { Outcome } from './app-entry.js';

if (!hasChromium) console.warn(`the frontend browser test is skipped: ${MISSING_CHROMIUM}`);

const calls = operationIds.map((operationId) => ({ operationId, params: sampleParams(operationId) }));
const successOf = (operationId: string) => mockSpec.operations[operationId]!.answers.find((answer) => answer.status < 300)!.status;

let work: string;
let appServer: Server;
let appOrigin: string;
let browser: Browser;
let page: Page;

/** Builds the SDK package into a private folder and bundles the app from it, as a frontend's bundler would. */
function bundleApp(): string {
  const built = join(work, 'sdk');
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'packages/sdk/tsconfig.build.json', '--outDir', built], { cwd: ROOT });
  const out = join(work, 'app.js');
  execFileSync(
    join(ROOT, 'node_modules/.bin/esbuild'),
    [
      'test/browser/app-entry.ts',
      '--bundle',
      '--format=esm',
      '--platform=browser',
      `--alias:@hoody/sdk=${join(built, 'packages/sdk/src/index.js')}`,
      `--outfile=${out}`,
    ],
    { cwd: ROOT },
  );
  return readFileSync(out, 'utf8');
}

beforeAll(async () => {
  if (!hasChromium) return;
  work = mkdtempSync(join(tmpdir(), 'hoody-frontend-'));
  const script = bundleApp();
  appServer = createServer((request, response) => {
    if (request.url === '/app.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>frontend</title><script type="module" src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://localhost:${(appServer.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(appOrigin, { waitUntil: 'load' });
  await page.waitForFunction(() => 'runCalls' in globalThis);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (appServer ? appServer.close(() => resolve()) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

const run = (baseUrl: string, token: string, list: Array<{ operationId: string; params: unknown; headers?: Record<string, string> }>) =>
  page.evaluate(([url, credential, items]) => (globalThis as any).runCalls(url, credential, items), [baseUrl, token, list] as const) as Promise<Outcome[]>;

describe.skipIf(!hasChromium)('a frontend on another origin, in Chromium', () => {
  it.each([
    ['the static mock', false],
    ['the dynamic mock', true],
  ])('calls every operation through the SDK against %s', async (_name, dynamic) => {
    const mock = await startMock({ dynamic, seed: 'browser' });
    try {
      const outcomes = await run(mock.url, 'hdy_browser', calls);
      expect(outcomes.filter((o) => o.transport)).toEqual([]);
      expect(outcomes.map((o) => [o.operationId, o.status])).toEqual(calls.map((c) => [c.operationId, successOf(c.operationId)]));
      expect(outcomes.filter((o) => !/^"[a-z-]+";r=\d+;t=\d+$/.test(o.rateLimit ?? '')).map((o) => o.operationId)).toEqual([]);
      const scenarios = await run(mock.url, 'hdy_browser', [
        { operationId: 'users.get', params: sampleParams('users.get'), headers: { Prefer: 'example=USER_NOT_FOUND' } },
        { operationId: 'vault.set', params: sampleParams('vault.set'), headers: { Prefer: 'example=TOKEN_EXPIRED', 'X-Request-Id': 'r-1' } },
        { operationId: 'users.get', params: sampleParams('users.get'), headers: { Prefer: 'code=409' } },
      ]);
      expect(scenarios.map((o) => [o.status, o.code])).toEqual([
        [404, 'USER_NOT_FOUND'],
        [401, 'TOKEN_EXPIRED'],
        [400, 'VALIDATION_ERROR'],
      ]);
      if (!dynamic) expect(await page.evaluate((url) => (globalThis as any).iterate(url, 'hdy_browser'), mock.url)).toBeGreaterThan(0);
    } finally {
      await mock.close();
    }
  });

  it('calls every operation against the dev server with the outcome it gives without a browser', async () => {
    const server = await startServerProcess({ NODE_ENV: 'development', JWT_SECRET: undefined }, 30_000, ['--dev']);
    try {
      const john = server.output().match(/ {2}john_doe +(\S+)/)![1]!;
      // The same calls from Node (no CORS), then from the page after a reset to the same data.
      const node = answeredApi({ baseUrl: server.url, token: john });
      const expected: Array<[string, number]> = [];
      for (const { operationId, params } of calls) {
        const result = await callOperation(node, operationId, params);
        expected.push([operationId, result.response!.status]);
      }
      await fetch(`${server.url}/__dev/reset`, { method: 'POST' });
      const outcomes = await run(server.url, john, calls);
      expect(outcomes.filter((o) => o.transport)).toEqual([]);
      expect(outcomes.map((o) => [o.operationId, o.status])).toEqual(expected);
      expect(outcomes.every((o) => o.allowOrigin)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
if (!hasChromium) it.skip(`a frontend on another origin, in Chromium (${MISSING_CHROMIUM})`, () => {});
