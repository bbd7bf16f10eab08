/**
 * The contract mock frontend teams run (`npm run mock`): Prism, in process, serving the spec's examples (or, with
 * `dynamic`, data generated from the schemas with a fixed seed), behind a thin front that adds what a browser app on
 * another origin needs and Prism does not do:
 *
 * - CORS for any origin and any request header (preflights are answered here; every answer carries
 *   `Access-Control-Allow-Origin` and exposes the rate-limit headers);
 * - scenarios by name: `Prefer: example=USER_NOT_FOUND` alone selects that example and its status (Prism needs both),
 *   and a scenario the operation does not document is refused with 400 in the API's envelope listing the ones it
 *   has (Prism answers a 500 body under the asked status). The selection is the SDK's own (`@hoody/sdk/msw`), so
 *   the mock and the MSW handlers agree.
 *
 * Prism started in process rather than as a CLI behind a proxy process: one process to start and stop, its port
 * private, and the tests run exactly this.
 */
import { createRequire } from 'node:module';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@stoplight/prism-core';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http';
import { createServer as createPrismServer } from '@stoplight/prism-http-server';
import { matchOperation, mockSpec, parsePrefer, selectAnswer, type MockOperation } from '@hoody/sdk/msw';
import { SPEC_PATH } from '../../src/spec/operations.js';

export type MockOptions = {
  /** Generate answers from the schemas instead of serving the examples. */
  dynamic?: boolean;
  /** The seed of dynamic generation: the same seed gives the same answers in the same order. */
  seed?: string;
  host?: string;
  port?: number;
  /** Where refusals and Prism's own messages go (default: nowhere). */
  log?: (line: string) => void;
};

export type RunningMock = { url: string; close(): Promise<void> };

const EXPOSED = 'RateLimit, RateLimit-Policy, Retry-After, sl-violations';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Prism's CLI applies the spec's `x-json-schema-faker` options this way; so does this in-process mock. */
const { configureExtensionsUserProvided } = createRequire(import.meta.url)('@stoplight/prism-cli/dist/extensions.js') as {
  configureExtensionsUserProvided(spec: string, cliOptions: Record<string, unknown>): Promise<void>;
};

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const log = options.log ?? (() => {});
  await configureExtensionsUserProvided(SPEC_PATH, {});
  const prism = createPrismServer(await getHttpOperationsFromSpec(SPEC_PATH), {
    cors: true,
    config: {
      checkSecurity: true,
      validateRequest: true,
      validateResponse: false,
      errors: false,
      isProxy: false,
      mock: { dynamic: Boolean(options.dynamic), ...(options.seed === undefined ? {} : { seed: options.seed }) },
    } as never,
    components: { logger: createLogger('MOCK', { level: 'silent' }) },
  });
  const upstream = await prism.listen(0, '127.0.0.1');
  // Prism seeds each generation from scratch; a per-request seed drawn from the mock's seed and a counter makes
  // successive answers differ while the same seed still replays the same sequence.
  let generated = 0;
  const nextSeed = () => (options.dynamic && options.seed !== undefined ? `${options.seed}-${(generated += 1)}` : undefined);

  const front = createHttpServer((request, response) => {
    handle(request, response, upstream, log, nextSeed).catch((failure: unknown) => {
      log(`mock: ${String(failure)}`);
      if (!response.headersSent)
        answerJson(response, 500, { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'The mock failed' });
    });
  });
  await new Promise<void>((resolve) => front.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = front.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await prism.close();
    },
  };
}

/** Every answer of the mock may be read by any origin, with the rate-limit headers exposed. */
const CORS_HEADERS: Record<string, string> = { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED, vary: 'Origin' };

function answerJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function handle(request: IncomingMessage, response: ServerResponse, upstream: string, log: (line: string) => void, nextSeed: () => string | undefined) {
  const method = request.method ?? 'GET';
  if (method === 'OPTIONS') {
    // Any origin, any method of the API, any header the app sends (tracing, X-Request-Id, Prefer).
    response
      .writeHead(204, {
        ...CORS_HEADERS,
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      })
      .end();
    return;
  }
  const url = new URL(request.url ?? '/', 'http://mock');
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }

  const matched = matchOperation(mockSpec.operations, method, url.pathname);
  const prefer = parsePrefer(headers.get('prefer'));
  if (matched && (prefer.status !== undefined || prefer.example !== undefined)) {
    const [operationId, operation] = matched;
    const selection = selectAnswer(operationId, operation, prefer);
    if (selection.refusal) {
      log(`mock: ${method} ${url.pathname}: ${selection.refusal.message}`);
      return answerJson(response, 400, selection.refusal);
    }
    // Prism needs the status with the example name; an answer of the `default` response is asked for by its status.
    headers.set('prefer', `code=${selection.answer.status}, example=${selection.answer.name}`);
  }

  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    body = await readBody(request);
    if (!body)
      return answerJson(response, 413, {
        statusCode: 413,
        error: 'Payload Too Large',
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The mock takes bodies up to 2 MB',
      });
  }
  const seed = headers.has('prefer') ? undefined : nextSeed();
  if (seed !== undefined) headers.set('prefer', `seed=${seed}`);
  const answer = await fetch(`${upstream}${url.pathname}${url.search}`, { method, headers, body: body && body.length > 0 ? new Uint8Array(body) : undefined });
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'access-control-allow-credentials'].includes(name))
      out[name] = value;
  });
  let payload = Buffer.from(await answer.arrayBuffer());
  if (matched && answer.ok && seed !== undefined)
    payload = Buffer.from(JSON.stringify(consistentPage(JSON.parse(payload.toString()), url.searchParams, matched[1])));
  response.writeHead(answer.status, { ...out, ...CORS_HEADERS, 'content-length': String(payload.length) }).end(payload);
}

/**
 * What a schema cannot say about a generated page: its `metadata` must agree with its items and with the page asked
 * for (`pages = ceil(total / limit)`), or a list iterator never ends. The generated items are the asked page's, and
 * that page is the last one.
 */
function consistentPage(body: { data?: unknown; metadata?: Record<string, number> }, query: URLSearchParams, operation: MockOperation) {
  if (!body.metadata || !Array.isArray(body.data)) return body;
  const defaultOf = (name: string) => Number((operation.parameters.find((p) => p.name === name)?.schema as { default?: number } | undefined)?.default ?? 1);
  const page = Number(query.get('page') ?? defaultOf('page'));
  const limit = Number(query.get('limit') ?? defaultOf('limit'));
  const data = body.data.slice(0, limit);
  const total = (page - 1) * limit + data.length;
  return { ...body, data, metadata: { total, page, limit, pages: Math.max(1, Math.ceil(total / limit)) } };
}
