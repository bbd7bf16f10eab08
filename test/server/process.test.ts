/** The started server, as a newcomer runs it: demo JWTs that work, the spec served, a clean stop on SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['src/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

async function waitFor(predicate: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start', () => {
  it('serves the demo data with the JWTs it prints, serves the spec, and exits 0 on SIGTERM', async () => {
    const { child, output } = startServer({ LOG_LEVEL: 'info' });
    try {
      await waitFor(() => output().includes('Try: curl'), 20_000);
      const url = output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)![1];
      const jwt = output().match(/john_doe +(\S+)/)![1];
      const response = await fetch(`${url}/api/v1/users/507f1f77bcf86cd799439011`, { headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(200);
      expect((await response.json()).data.username).toBe('john_doe');
      expect((await (await fetch(`${url}/openapi.json`)).json()).openapi).toBe('3.1.0');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(output()).toContain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start in production without JWT_SECRET, saying why', async () => {
    const { child, output } = startServer({ NODE_ENV: 'production', JWT_SECRET: '' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('JWT_SECRET');
  });
});
