/**
 * `GET /health` for load balancers: 200 while the store can serve, 503 with Retry-After when it cannot; no
 * credential, no quota, no activity record. Runs on both stores (the postgres project runs it on a fresh schema);
 * a real database outage is in test/store/postgres-connection-limits.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { withFaults } from '../support/faulty-store.js';
import { makeTestStore, startTestServer } from '../support/server.js';

const health = (server: { app: { request: (path: string) => Response | Promise<Response> } }) => server.app.request('/health');

describe('GET /health', () => {
  it('answers 200 without a credential, takes no quota and leaves no activity record', async () => {
    const server = await startTestServer({ rateLimits: { perIp: 2 } });
    const api = await server.as('jane_roe');
    const before = (await api.activity.list()).data?.metadata.total;
    for (let i = 0; i < 5; i += 1) {
      const response = await health(server);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // One more answered request of jane's own (the list before), nothing from the five checks.
    expect((await api.activity.list()).data?.metadata.total).toBe(before! + 1);
  });

  it('answers 503 with Retry-After while the store cannot serve, and 200 again once it can', async () => {
    const { store, inject } = withFaults(await makeTestStore());
    const logLines: string[] = [];
    const server = await startTestServer({ store, logLines });
    let down = true;
    inject('ping', (ping) => async () => {
      if (down) throw new StoreUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      return ping();
    });
    const refused = await health(server);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ status: 'unavailable' });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'health check failed')?.error).toContain('ECONNREFUSED');
    down = false;
    expect((await health(server)).status).toBe(200);
  });
});
