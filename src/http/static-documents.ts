/**
 * The server's static documents (`/docs`, the HTML reference; `/openapi.json`, the bundled spec), prepared once at
 * start: compressed with Brotli and gzip, with a strong `ETag` (SHA-256 of the content) and a cache policy for
 * content that changes only with a deploy: a browser may reuse it for an hour, then revalidates (304 when
 * unchanged). API answers are untouched: they keep `Cache-Control: no-store`.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context } from 'hono';

export type StaticDocument = { type: string; etag: string; identity: Uint8Array; gzip: Uint8Array; br: Uint8Array };

export const STATIC_CACHE_CONTROL = 'public, max-age=3600, must-revalidate';

export function prepareDocument(content: string, type: string): StaticDocument {
  const identity = new Uint8Array(Buffer.from(content));
  return {
    type,
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}"`,
    identity,
    gzip: new Uint8Array(gzipSync(identity, { level: 9 })),
    br: new Uint8Array(brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } })),
  };
}

/** Whether an `Accept-Encoding` header accepts a coding (a `q=0` refuses it). */
function accepts(header: string, coding: string): boolean {
  return header
    .split(',')
    .map((part) => part.trim().toLowerCase().split(';'))
    .some(([name, ...params]) => (name === coding || name === '*') && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p)));
}

export function serveDocument(c: Context, document: StaticDocument, headers: Record<string, string>): Response {
  const common: Record<string, string> = { ...headers, 'Cache-Control': STATIC_CACHE_CONTROL, ETag: document.etag, Vary: 'Accept-Encoding' };
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === document.etag || tag.trim() === '*'))
    return new Response(null, { status: 304, headers: common });
  const acceptEncoding = c.req.header('accept-encoding') ?? '';
  const [body, encoding] = accepts(acceptEncoding, 'br')
    ? [document.br, 'br']
    : accepts(acceptEncoding, 'gzip')
      ? [document.gzip, 'gzip']
      : [document.identity, undefined];
  return new Response(body as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: { ...common, 'Content-Type': document.type, 'Content-Length': String(body.length), ...(encoding ? { 'Content-Encoding': encoding } : {}) },
  });
}
