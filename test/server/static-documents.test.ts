/**
 * `/docs` and `/openapi.json` as a browser and a CDN fetch them: compressed when accepted, with a validator that
 * answers 304 when nothing changed and a cache policy fit for static content; the security headers stay, and API
 * answers keep `no-store`.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { startServerProcess } from '../support/process.js';
import { startTestServer } from '../support/server.js';

describe('static documents', () => {
  it('are compressed, validated with an ETag and cacheable; API answers stay no-store', async () => {
    const server = await startServerProcess();
    try {
      const jwt = server.output().match(/ {2}john_doe +(\S+)/)![1]!;
      const sizes: string[] = [];
      for (const path of ['/docs', '/openapi.json']) {
        const plain = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'identity' } });
        const plainBody = Buffer.from(await plain.arrayBuffer());
        // Node's fetch decodes what it asked for; read the raw bytes with the coding named explicitly.
        const gzip = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
        const brotli = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'br, gzip' } });
        expect([plain.status, gzip.headers.get('content-encoding'), brotli.headers.get('content-encoding')], path).toEqual([200, 'gzip', 'br']);
        const etag = plain.headers.get('etag')!;
        expect(etag, path).toMatch(/^"[\w-]{20,}"$/);
        expect([gzip.headers.get('etag'), brotli.headers.get('etag')]).toEqual([etag, etag]);
        expect(plain.headers.get('cache-control')).toBe('public, max-age=3600, must-revalidate');
        expect(plain.headers.get('vary')).toContain('Accept-Encoding');
        expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
        const revalidated = await fetch(`${server.url}${path}`, { headers: { 'if-none-match': etag } });
        expect([revalidated.status, (await revalidated.arrayBuffer()).byteLength]).toEqual([304, 0]);
        const compressed = Number(brotli.headers.get('content-length'));
        sizes.push(`${path}: ${(plainBody.length / 1024).toFixed(0)} KiB, br ${(compressed / 1024).toFixed(0)} KiB`);
        expect(compressed).toBeLessThan(plainBody.length / 3);
      }
      console.log(`static documents: ${sizes.join('; ')}`);
      const api = await fetch(`${server.url}/api/v1/users/${DEMO_USERS.john_doe.id}`, {
        headers: { authorization: `Bearer ${jwt}`, 'accept-encoding': 'gzip' },
      });
      expect([api.status, api.headers.get('cache-control'), api.headers.get('etag')]).toEqual([200, 'no-store', null]);
    } finally {
      await server.stop();
    }
  });

  it('/docs answers 404 in the envelope when the reference is not built, and the spec is still served', async () => {
    const server = await startTestServer(); // no reference given, as when docs/site/index.html is missing
    try {
      const docs = await server.fetch(new Request('http://localhost/docs'));
      expect([docs.status, await docs.json()]).toEqual([
        404,
        { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'The HTML reference is not built: run npm run docs' },
      ]);
      const spec = await server.fetch(new Request('http://localhost/openapi.json'));
      expect([spec.status, ((await spec.json()) as { openapi: string }).openapi]).toEqual([200, '3.1.0']);
    } finally {
      await server.store.close();
    }
  });
});
