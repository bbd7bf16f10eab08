/**
 * The HTTP adapter: a Hono app with one route per operation of the spec, registered once at start, so routing is
 * Hono's and costs the same whatever the spec's size. Each route turns the Hono request into the pipeline's plain
 * request and the pipeline's answer into JSON. Only this folder imports Hono and openapi-backend.
 */
import { Hono, type Context } from 'hono';
import { answerJson } from './answer-json.js';
import { apiError, envelope } from '../errors.js';
import type { Logger } from '../log.js';
import { handleOperation, type OperationHandlers, type PipelineDeps, type PipelineHooks } from '../pipeline/handle-operation.js';
import { bySpecificity, fitsTemplate, listOperations, type OpenApiDocument } from '../spec/operations.js';
import { readPolicy } from '../spec/policy.js';
import type { Store } from '../store/types.js';
import { normaliseIp } from '../auth/ip-allowlist.js';
import { SessionVerifier } from '../auth/session-jwt.js';
import type { SpecValidator } from '../pipeline/types.js';
import { createSpecValidator } from './spec-validator.js';
import { RateLimiter, type RateLimitConfig } from '../pipeline/rate-limits.js';
import { isIP } from 'node:net';
import { BodyBudget, BodyReader } from './read-body.js';
import { corsMiddleware } from './cors.js';
import { preparedOnFirstNeed, serveDocument } from './static-documents.js';
import { healthCheck, HEALTH_PATH } from './health.js';
import { ThrottledLog } from '../pipeline/throttled-log.js';
import { registerDevRoutes, type DevControls } from './dev-routes.js';

/** What the app reads of the server's configuration (src/config.ts has each one's meaning and default). */
export type AppConfig = {
  jwtSecret: string;
  trustProxyHops: number;
  validateResponses: boolean;
  rateLimits: RateLimitConfig;
  corsOrigins: string[];
  maxInflightBodyBytes: number;
  dev?: boolean;
  devLatencyMs?: number;
};

export type AppDeps = {
  spec: OpenApiDocument;
  store: Store;
  /** The handler of every operation of `spec`, by operationId; the app refuses to start when one is missing. */
  handlers: OperationHandlers;
  hooks?: PipelineHooks;
  config: AppConfig;
  logger: Logger;
  clock?: () => Date;
  /** A validator already compiled for this spec (compiling takes about a second; tests share one). */
  validator?: SpecValidator;
  /** Reads the HTML reference (docs/site/index.html), served at GET /docs; undefined when it is not built. */
  docsHtml?: () => string | undefined;
  /** The dev server's controls (reset); its routes exist only with `config.dev`. */
  dev?: DevControls;
};

const toHonoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** The security headers of every answer (Hono's secureHeaders defaults), and no caching of API answers. */
const SECURITY_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
};

/** Minutes between two log lines about the use of one deprecated operation. */
const DEPRECATION_LOG_INTERVAL_MS = 60_000;

type NodeIncoming = { headers: Record<string, string | string[] | undefined>; socket?: { remoteAddress?: string } };

/** The Node request under @hono/node-server; absent for in-process requests (tests, app.request). */
const nodeIncoming = (c: Context) => (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;

/**
 * Lower-case header names to values. Under @hono/node-server the Node request's own headers are read: touching
 * `c.req.raw` there builds a full Fetch Request, which measured as the largest single cost of a GET.
 */
function headersOf(c: Context): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  const incoming = nodeIncoming(c);
  if (incoming) {
    // for-in rather than Object.entries: no array per header (0.3 µs against 1 µs a request for six headers).
    const given = incoming.headers;
    for (const name in given) {
      const value = given[name];
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  } else {
    c.req.raw.headers.forEach((value, name) => (headers[name] = value));
  }
  return headers;
}

/**
 * The TCP peer, or with TRUST_PROXY the address the trusted proxies saw, IPv4-mapped IPv6 normalised. A forwarded
 * value is used only when it parses as an IP address: anything else (a name, 2 KB of junk) falls back to the peer,
 * so it can neither fill the quota tables nor be stored as a token's `last_used_ip`.
 */
function clientIp(c: Context, headers: Record<string, string | undefined>, trustProxyHops: number): string {
  const peer = normaliseIp(nodeIncoming(c)?.socket?.remoteAddress ?? '127.0.0.1');
  const forwarded = headers['x-forwarded-for'];
  if (trustProxyHops > 0 && forwarded) {
    const chain = forwarded.split(',');
    const candidate = normaliseIp(chain[Math.max(0, chain.length - trustProxyHops)] ?? '');
    return isIP(candidate) ? candidate : peer;
  }
  return peer;
}

/** The path as sent (percent-encoded, never decoded), with anything outside printable ASCII escaped. */
function rawPathOf(url: string, queryStart: number): string {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const path = url.slice(pathStart, queryStart < 0 ? undefined : queryStart);
  return path.replace(/[^\x21-\x7e]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

const NO_BODY = async () => undefined;

/** The app, and what it holds for the store in memory (pending quota counts), to write before the store closes. */
export type ServerApp = Hono & { flushPending(): Promise<void> };

export async function createApp(deps: AppDeps): Promise<ServerApp> {
  const policy = readPolicy(deps.spec);
  const bodyBudget = new BodyBudget(deps.config.maxInflightBodyBytes);
  const missing = [...policy.operations.keys()].filter((operationId) => typeof (deps.handlers as Record<string, unknown>)[operationId] !== 'function');
  if (missing.length) throw new Error(`no handler for operation ${missing.join(', ')}`);
  const pipeline: PipelineDeps = {
    handlers: deps.handlers,
    hooks: deps.hooks ?? {},
    store: deps.store,
    rateLimiter: new RateLimiter(deps.store, deps.config.rateLimits),
    policy,
    validator: deps.validator ?? (await createSpecValidator(deps.spec)),
    sessions: new SessionVerifier(deps.config.jwtSecret),
    logger: deps.logger,
    validateResponses: deps.config.validateResponses,
    clock: deps.clock ?? (() => new Date()),
    storeUnavailableLog: new ThrottledLog((fields) => deps.logger.error('store unavailable', fields)),
  };
  // Every answer says which contract it keeps (`X-Spec-Version`, the spec's info.version), beside the security headers.
  const baseHeaders: Record<string, string> = { ...SECURITY_HEADERS, 'X-Spec-Version': String(deps.spec.info?.version ?? '') };
  const withSecurityHeaders = (c: Context) => {
    for (const name in baseHeaders) c.header(name, baseHeaders[name]);
  };
  const app = new Hono();
  // Security headers on every answer, set by each route rather than by a wrapping middleware: one that touches
  // the response after `next()` makes @hono/node-server build a full Response, which halved throughput here.
  //
  // A known path with another method answers 405 with the methods served there: those of every template the path
  // fits (`/tokens/me` fits `/tokens/{id}` too), looked up only once no route has matched. As `app.all` routes beside
  // the operations' they matched every request too, and Hono then ran each request's two handlers through its
  // middleware composition instead of calling the one (about 2% of a users.get's throughput, two builds loaded
  // together). Not by a second Hono `TrieRouter` either: one holding the templates beside the app's made the app's
  // own matching about 8% slower at 16x the spec under `--enable-source-maps`, though it was never asked.
  const operations = listOperations(deps.spec).sort(bySpecificity);
  app.notFound((c) => {
    withSecurityHeaders(c);
    const allowed = [...new Set(operations.filter((op) => fitsTemplate(op.path, c.req.path)).map((op) => op.method))];
    if (allowed.length) {
      c.header('Allow', allowed.join(', '));
      return c.json(envelope(405, 'METHOD_NOT_ALLOWED', `Use ${allowed.join(', ')} on this path`), 405);
    }
    return c.json(envelope(404, 'NOT_FOUND', `No operation at ${c.req.method} ${c.req.path}`), 404);
  });
  if (deps.config.corsOrigins.length) {
    app.use(corsMiddleware(deps.config.corsOrigins, { anyHeader: Boolean(deps.config.dev), logger: deps.logger }));
  } else {
    // No origin may read answers; a preflight still gets a line in the log saying which origin tried.
    app.options('*', (c) => {
      const origin = c.req.header('origin');
      if (origin) deps.logger.warn('CORS preflight refused: origin not allowed', { origin, path: c.req.path, allowed: '(none)' });
      return c.body(null, 204);
    });
  }
  // After CORS, so that the reset answers a browser app too.
  if (deps.config.dev && deps.dev) registerDevRoutes(app, deps.dev, deps.config.devLatencyMs ?? 0);

  for (const op of operations) {
    const operationPolicy = policy.operations.get(op.operationId)!;
    // A deprecated operation answers `Deprecation: true` (RFC 9745) and its use is logged, at most once a minute.
    const deprecated = op.operation.deprecated === true;
    const routeHeaders = { ...baseHeaders, 'Content-Type': 'application/json', ...(deprecated ? { Deprecation: 'true' } : {}) };
    let deprecationLoggedAt = 0;
    const route = async (c: Context) => {
      if (deprecated && Date.now() - deprecationLoggedAt > DEPRECATION_LOG_INTERVAL_MS) {
        deprecationLoggedAt = Date.now();
        deps.logger.warn('deprecated operation called', { operationId: op.operationId, userAgent: c.req.header('user-agent') ?? '' });
      }
      const body = operationPolicy.hasBody ? new BodyReader(c, operationPolicy.bodyLimitBytes, bodyBudget, deps.logger) : undefined;
      const url = c.req.url;
      const queryStart = url.indexOf('?');
      const headers = headersOf(c);
      // In-process requests (tests, app.request) carry the host in the URL only.
      headers.host ??= new URL(url).host;
      let answer;
      try {
        answer = await handleOperation(
          {
            operationId: op.operationId,
            method: op.method,
            path: rawPathOf(url, queryStart),
            rawQuery: queryStart < 0 ? '' : url.slice(queryStart + 1),
            headers,
            params: c.req.param() as Record<string, string>,
            readBody: body ? () => body.read() : NO_BODY,
            ip: clientIp(c, headers, deps.config.trustProxyHops),
          },
          pipeline,
        );
      } finally {
        body?.release();
      }
      const answerHeaders: Record<string, string> = Object.assign({}, routeHeaders, answer.headers);
      if (answer.status === 503) answerHeaders['Retry-After'] = '1';
      // A body left unread (the request was refused first) is discarded by @hono/node-server, which drains at most
      // 64 MB for at most 500 ms and then closes the connection: nothing of it is buffered.
      // A Response with a plain headers record: @hono/node-server writes it with one writeHead. Through c.json, Hono
      // would copy more than one header into a Fetch Headers object, which the adapter then copies back out (about a
      // tenth of a users.get in the profile).
      return new Response(answerJson(answer.body), { status: answer.status, headers: answerHeaders });
    };
    app.on(op.method, toHonoPath(op.path), route);
  }

  // Static documents: compressed, with an ETag and a cache policy of their own (src/http/static-documents.ts).
  const documentHeaders = { ...baseHeaders };
  delete documentHeaders['Cache-Control'];
  const specDocument = preparedOnFirstNeed(() => JSON.stringify(deps.spec), 'application/json; charset=UTF-8');
  const docsDocument = preparedOnFirstNeed(() => deps.docsHtml?.(), 'text/html; charset=UTF-8');
  app.get('/openapi.json', (c) => serveDocument(c, specDocument()!, documentHeaders));
  app.get(HEALTH_PATH, healthCheck(deps.store, baseHeaders, deps.logger));
  // Browsers ask for it on every page; an empty answer keeps their consoles clean.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/docs', (c) => {
    const docs = docsDocument();
    if (docs) return serveDocument(c, docs, documentHeaders);
    withSecurityHeaders(c);
    return c.json(envelope(404, 'NOT_FOUND', 'The HTML reference is not built: run npm run docs'), 404);
  });
  app.onError((failure, c) => {
    deps.logger.error('unexpected failure', { path: new URL(c.req.url).pathname, error: failure.stack ?? String(failure) });
    return c.json(apiError('INTERNAL_ERROR').toEnvelope(), 500);
  });
  return Object.assign(app, { flushPending: () => pipeline.rateLimiter.flush() });
}
