/** The started server, as a newcomer runs it: demo JWTs that work, the spec and docs served, a clean stop on SIGTERM. */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { spawnServer, startServerProcess } from '../support/process.js';

describe('npm start', () => {
  it('serves the demo data with the JWTs it prints, serves the spec and the docs, and exits 0 on SIGTERM', async () => {
    const server = await startServerProcess();
    try {
      const jwt = server.output().match(/john_doe +(\S+)/)![1];
      const response = await fetch(`${server.url}/api/v1/users/507f1f77bcf86cd799439011`, { headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(200);
      expect((await response.json()).data.username).toBe('john_doe');
      expect((await (await fetch(`${server.url}/openapi.json`)).json()).openapi).toBe('3.1.0');
      // Over the network a body declares its Content-Length: one over the limit is refused before it is read.
      const big = await fetch(`${server.url}/api/v1/auth/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ alias: 'x'.repeat(2_000_000) }),
      });
      expect([big.status, (await big.json()).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const docs = await fetch(`${server.url}/docs`);
      expect([docs.status, docs.headers.get('content-type')]).toEqual([200, 'text/html; charset=UTF-8']);
      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain('"msg":"stopped"');
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('refuses to start in production without JWT_SECRET, saying why', async () => {
    const { child, output } = spawnServer({ NODE_ENV: 'production', JWT_SECRET: '' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('JWT_SECRET');
  });
});
