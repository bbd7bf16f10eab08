/**
 * What only a real socket shows, against the started server: a flood of large uploads without credentials is
 * answered without reading them (peak RSS measured), authenticated uploads share a bounded budget, Node's own
 * refusals come in the JSON envelope, and a dropped upload is an info line, not a stack trace.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/process.js';

const MB = 1_000_000;
let server: ServerProcess;
let url: URL;
let jwt: string;
let pid: number;

/** The server process's peak and current resident memory, in MB (Linux). */
function memoryOf(processId: number) {
  const status = readFileSync(`/proc/${processId}/status`, 'utf8');
  const kb = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))![1]);
  return { peakMb: kb('VmHWM') / 1000, rssMb: kb('VmRSS') / 1000 };
}

/** Sends raw bytes, then `body` in 64 KB chunks until an answer arrives; resolves with what was answered. */
function rawRequest(head: string, body: Buffer = Buffer.alloc(0), timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(head);
      let offset = 0;
      const pump = () => {
        while (offset < body.length && !socket.destroyed && answer === '') {
          const chunk = body.subarray(offset, offset + 65_536);
          offset += chunk.length;
          if (!socket.write(chunk)) return socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
    setTimeout(() => socket.destroy(), timeoutMs);
  });
}

const statusOf = (answer: string) => answer.split(' ')[1] ?? 'none';
const jsonOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4) || '{}');

beforeAll(async () => {
  // Quotas out of the way: these tests are about bodies, and send many failed authentications from one address.
  server = await startServerProcess({ MAX_INFLIGHT_BODY_BYTES: String(40 * MB), RATE_LIMIT_AUTH_FAILURES: '1000000', RATE_LIMIT_PER_IP: '1000000' });
  url = new URL(server.url);
  jwt = server.output().match(/john_doe +(\S+)/)![1];
  pid = Number(server.output().match(/"pid":(\d+)/)![1]);
});
afterAll(async () => {
  await server?.stop();
});

describe('network refusals', () => {
  it('80 concurrent 56 MB uploads without credentials answer 401 without being buffered (peak RSS printed)', async () => {
    const before = memoryOf(pid);
    const head = `PATCH /api/v1/vault/keys/x HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 56000000\r\n\r\n`;
    // Each client pushes 2 MB of its body (160 MB in all) and reads the answer.
    const answers = await Promise.all(Array.from({ length: 80 }, () => rawRequest(head, Buffer.alloc(2 * MB, 0x61))));
    const after = memoryOf(pid);
    const statuses = answers.map(statusOf);
    console.log(
      `unauthenticated uploads: ${statuses.filter((s) => s === '401').length}/80 x 401; peak RSS ${before.peakMb.toFixed(0)} -> ${after.peakMb.toFixed(0)} MB (+${(after.peakMb - before.peakMb).toFixed(0)} MB for 160 MB sent)`,
    );
    expect(statuses.every((status) => status === '401')).toBe(true);
    expect(after.peakMb - before.peakMb).toBeLessThan(100);
  });

  it('authenticated uploads share the in-flight budget: past it 503 with Retry-After, and the rest succeed', async () => {
    const before = memoryOf(pid);
    const value = 'v'.repeat(9 * MB);
    const body = Buffer.from(JSON.stringify({ value }));
    const head = (i: number) =>
      `PATCH /api/v1/vault/keys/budget-${i} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${jwt}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => rawRequest(head(i), body, 30_000)));
    const statuses = answers.map(statusOf);
    const busy = answers.filter((answer) => statusOf(answer) === '503');
    const after = memoryOf(pid);
    console.log(`10 concurrent 9 MB uploads with a 40 MB budget: ${statuses.join(' ')}; peak RSS +${(after.peakMb - before.peakMb).toFixed(0)} MB`);
    expect(busy.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === '201' || status === '200').length).toBeGreaterThan(0);
    expect(busy.every((answer) => /retry-after: 1/i.test(answer) && jsonOf(answer).code === 'SERVICE_UNAVAILABLE')).toBe(true);
  });

  it('Node-level refusals answer the JSON envelope: a malformed request 400, oversized headers 431', async () => {
    const malformed = await rawRequest('GARBAGE\r\n\r\n');
    const huge = await rawRequest(`GET /api/v1/vault/stats HTTP/1.1\r\nHost: ${url.host}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    console.log(`Node-level refusals: ${statusOf(malformed)} ${jsonOf(malformed).code}, ${statusOf(huge)} ${jsonOf(huge).code}`);
    expect([statusOf(malformed), jsonOf(malformed).code]).toEqual(['400', 'BAD_REQUEST']);
    expect([statusOf(huge), jsonOf(huge).code]).toEqual(['431', 'REQUEST_HEADER_FIELDS_TOO_LARGE']);
  });

  it('a client dropping its upload is logged at info, without a stack', async () => {
    const head = `PATCH /api/v1/vault/keys/dropped HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${jwt}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"value":"`;
    await rawRequest(head, Buffer.alloc(0), 300);
    const deadline = Date.now() + 5_000;
    while (!server.output().includes('request body aborted') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const line =
      server
        .output()
        .split('\n')
        .find((text) => text.includes('request body aborted')) ?? '';
    console.log(`dropped upload log: ${line.slice(0, 160)}`);
    expect(JSON.parse(line).level).toBe('info');
    expect(server.output()).not.toMatch(/"level":"error"/);
  });
});
