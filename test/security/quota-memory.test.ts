/**
 * Per-address and per-credential state is reclaimed: against the started server (memory store, TRUST_PROXY, a 2 s
 * quota window), a bounded run sends requests from ever-new forwarded addresses with a rotating set of API tokens,
 * and the server's RSS is sampled every window. Old windows are dropped whole, so RSS settles instead of growing with
 * the number of addresses seen. Bounded: 12 s and 12,000 requests at most.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/process.js';

let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
});

const rssMb = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1000;

describe('quota state under many distinct clients', () => {
  it('RSS settles while every request comes from a new address (figures printed)', async () => {
    server = await startServerProcess({ TRUST_PROXY: '1', RATE_LIMIT_WINDOW_SECONDS: '2', RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_CREDENTIAL: '1000000' });
    const pid = Number(server.output().match(/"pid":(\d+)/)![1]);
    const jwt = server.output().match(/john_doe +(\S+)/)![1];
    const base = server.url;
    const tokens: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const response = await fetch(`${base}/api/v1/auth/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ alias: `Rotating ${i}`, permission_template: 'read_only' }),
      });
      tokens.push(((await response.json()) as { data: { token: string } }).data.token);
    }
    const samples: number[] = [];
    let sent = 0;
    let failures = 0;
    const deadline = Date.now() + 12_000;
    for (let round = 0; round < 6 && Date.now() < deadline; round += 1) {
      const roundEnd = Date.now() + 2_000;
      while (Date.now() < roundEnd && sent < 12_000) {
        const batch = Array.from({ length: 50 }, () => {
          sent += 1;
          const address = `${10 + (sent >> 24)}.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`;
          return fetch(`${base}/api/v1/auth/tokens/me`, {
            headers: { authorization: `Bearer ${tokens[sent % tokens.length]}`, 'x-forwarded-for': address },
          }).then((r) => {
            if (r.status !== 200) failures += 1;
            return r.arrayBuffer();
          });
        });
        await Promise.all(batch);
      }
      samples.push(rssMb(pid));
    }
    console.log(
      `RSS per 2 s window with ${sent} requests from ${sent} distinct addresses and ${tokens.length} tokens: ${samples.map((mb) => mb.toFixed(0)).join(', ')} MB`,
    );
    expect(failures).toBe(0);
    // After the first windows (warm-up: JIT, caches, a lazy GC), memory does not keep growing with the addresses seen.
    expect(Math.max(...samples.slice(3)) - Math.max(...samples.slice(0, 3))).toBeLessThan(64);
  }, 60_000);
});
