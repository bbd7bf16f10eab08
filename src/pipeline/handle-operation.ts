/**
 * The request pipeline of one operation, free of any HTTP framework: authenticate, authorize what the spec says
 * (x-permission, x-token-only, x-vault-access), parse and validate the request, resolve the active realm and its
 * checks, verify 2FA where the spec asks, run the handler, validate the response, and record the activity.
 * Every failure becomes the error envelope with a code the spec lists for the operation.
 */
import { authenticate } from '../auth/authenticate.js';
import { grants } from '../auth/permissions.js';
import type { SessionVerifier } from '../auth/session-jwt.js';
import { ipAllowed, quotaKeyOfIp } from '../auth/ip-allowlist.js';
import { matchTotp } from '../auth/totp.js';
import { isoTextOnceAMillisecond } from '../domain/dates.js';
import { newId } from '../domain/ids.js';
import { ApiError, apiError, RateLimitedError, StoreUnavailableError } from '../errors.js';
import type { Caller, HandlerContext } from '../handlers/context.js';
import type { Handlers } from '../handlers/types.js';
import type { Logger } from '../log.js';
import { isIP } from 'node:net';
import { lists, type OperationPolicy, type SpecPolicy } from '../spec/policy.js';
import type { ActivityRecord, Store } from '../store/types.js';
import type { PlainRequest, PlainResponse, SpecValidator } from './types.js';
import { validationError } from './validation-errors.js';
import { parseJsonBody } from './json-body.js';
import type { RateLimiter } from './rate-limits.js';
import type { ThrottledLog } from './throttled-log.js';

/**
 * The handlers, keyed by operationId, passed in by whoever builds the app (openapi-backend's `register` model):
 * `src/main.ts` and the tests pass `src/handlers/index.ts`; the benchmark adds copies for its larger specs. Typed as
 * the complete map, so a missing handler fails `tsc`; `createApp` also checks it against the spec it serves.
 */
export type OperationHandlers = Handlers<HandlerContext>;
/** A handler as the pipeline calls it: input validated against the operation's schemas, answer checked after. */
type ValidatedHandler = (
  input: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
  context: HandlerContext,
) => Promise<PlainResponse> | PlainResponse;

/**
 * Hooks, openapi-backend's `postResponseHandler` in spirit: called with what an operation answered, after response
 * validation. The tests record their coverage table through it; a deployment could count or trace.
 */
export type PipelineHooks = {
  onAnswer?(answer: { operationId: string; status: number; code: string | null }): void;
};

export type PipelineDeps = {
  handlers: OperationHandlers;
  hooks: PipelineHooks;
  store: Store;
  rateLimiter: RateLimiter;
  policy: SpecPolicy;
  validator: SpecValidator;
  sessions: SessionVerifier;
  logger: Logger;
  validateResponses: boolean;
  clock: () => Date;
  /** 'store unavailable' errors, at most one line a second (a database outage answers every request 503). */
  storeUnavailableLog: ThrottledLog;
};

const REALM_LABEL = /^[0-9a-f]{24}$/i;
/**
 * A request's time as text, for what records it (its activity record, a token's last use): made once a millisecond,
 * so the records of one millisecond's requests share one string, fewer for the memory store to keep.
 */
const requestTimeText = isoTextOnceAMillisecond();
const internalError = () => apiError('INTERNAL_ERROR').toEnvelope();

/** The active realm: `realm_id` where the operation takes it, else the Host's first label when it is a realm id. */
function activeRealm(policy: OperationPolicy, query: Record<string, unknown>, host: string | undefined): string {
  if (policy.realmQuery && typeof query.realm_id === 'string') return query.realm_id.toLowerCase();
  // A realm label is 24 characters followed by a dot: most hosts (an IP address, a bare name) are not looked at further.
  if (host === undefined || host.charCodeAt(24) !== 46 /* . */) return '';
  const label = host.slice(0, 24);
  return REALM_LABEL.test(label) ? label.toLowerCase() : '';
}

async function readJsonBody(request: PlainRequest): Promise<{ body: unknown; bytes: number }> {
  const text = await request.readBody();
  if (text === undefined || text === '') return { body: undefined, bytes: 0 };
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw apiError('VALIDATION_ERROR', { details: [{ field: 'body', message: 'Content-Type must be application/json' }] });
  }
  return { body: parseJsonBody(text), bytes: text.length };
}

async function checkOtp(store: Store, caller: Caller, body: unknown, now: Date) {
  const code = (body as { otp_code?: string } | undefined)?.otp_code;
  if (code === undefined) throw apiError('OTP_REQUIRED');
  const step = matchTotp(caller.user.totp_secret!, code, now.getTime());
  // Each step is accepted once, so a code seen on the wire cannot be replayed.
  if (step === undefined || !(await store.consumeOtpStep(caller.user.id, step))) throw apiError('INVALID_OTP_CODE');
}

export async function handleOperation(request: PlainRequest, deps: PipelineDeps): Promise<PlainResponse> {
  const policy = deps.policy.operations.get(request.operationId)!;
  const now = deps.clock();
  let caller: Caller | undefined;
  let realmId = '';
  let response: PlainResponse;
  let quotaHeaders: Record<string, string> = {};
  // Quotas count an IPv6 client by its /64, which one subscriber usually holds whole.
  const ipKey = quotaKeyOfIp(request.ip);

  try {
    // The address is stored (activity, a token's last use): only a parsed IP address may get this far.
    if (!isIP(request.ip)) throw new Error(`client address is not an IP address: ${request.ip.slice(0, 60)}`);
    await deps.rateLimiter.assertAuthFailuresBelowLimit(ipKey, now);
    quotaHeaders = (await deps.rateLimiter.consume('per-ip', ipKey, now)).headers;
    caller = await authenticate(request.headers.authorization, deps.store, deps.sessions, now);
    const token = caller.token;
    quotaHeaders = (await deps.rateLimiter.consume('per-credential', token ? `token:${token.id}` : `user:${caller.user.id}`, now)).headers;
    if (token && !ipAllowed(token.ip_whitelist, request.ip)) throw apiError('IP_NOT_ALLOWED');
    if (token) await deps.store.recordTokenUse(token.id, requestTimeText(now.getTime()), request.ip);
    const ownCall = policy.bannedMayCallOwn !== null && request.params[policy.bannedMayCallOwn] === caller.user.id;
    if (caller.user.is_banned && !ownCall) throw apiError('ACCOUNT_BANNED');
    if (policy.tokenOnly && !token) throw apiError('INSUFFICIENT_PERMISSIONS', { message: 'This endpoint serves API tokens only' });
    if (token && policy.permission && !grants(token.permissions, policy.permission)) {
      throw lists(policy, 403, 'PERMISSION_DENIED')
        ? apiError('PERMISSION_DENIED', { message: `This token does not have permission: ${policy.permission}` })
        : apiError('INSUFFICIENT_PERMISSIONS');
    }
    if (token && policy.vaultAccess && !token.vault_access) throw apiError('INSUFFICIENT_PERMISSIONS', { message: 'This token has no vault access' });

    const { body, bytes } = await readJsonBody(request);
    const validated = deps.validator.validateRequest(request.operationId, {
      params: request.params,
      rawQuery: request.rawQuery,
      headers: request.headers,
      body,
      bodyBytes: bytes,
    });
    if (!validated.valid) throw validationError(validated.issues, policy);

    realmId = activeRealm(policy, validated.query, request.headers.host);
    if (token && !policy.realmExempt) {
      if (realmId === '' && !token.allow_no_realm) throw apiError('REALM_SCOPE_REQUIRED');
      if (realmId !== '' && token.realm_ids.length > 0 && !token.realm_ids.includes(realmId)) throw apiError('REALM_NOT_ALLOWED');
    }
    if (policy.otpForSession && !token && caller.user.totp_secret) await checkOtp(deps.store, caller, body, now);

    const context: HandlerContext = { store: deps.store, caller, realmId, now, ip: request.ip, templates: deps.policy.templates };
    response = await (deps.handlers as unknown as Record<string, ValidatedHandler>)[request.operationId](
      { params: validated.params, query: validated.query, body },
      context,
    );
  } catch (failure) {
    if (failure instanceof ApiError) {
      response = { status: failure.status, body: failure.toEnvelope() };
    } else if (failure instanceof RateLimitedError) {
      quotaHeaders = { ...failure.quota.headers, 'Retry-After': String(failure.quota.retryAfterSeconds) };
      response = {
        status: 429,
        body: apiError('RATE_LIMITED', { message: `Too many requests; retry after ${failure.quota.retryAfterSeconds} seconds` }).toEnvelope(),
      };
    } else if (failure instanceof StoreUnavailableError) {
      deps.storeUnavailableLog.report({ operationId: request.operationId, error: failure.message });
      response = { status: 503, body: apiError('SERVICE_UNAVAILABLE').toEnvelope() };
    } else {
      deps.logger.error('unexpected failure', { operationId: request.operationId, error: failure instanceof Error ? failure.stack : String(failure) });
      response = { status: 500, body: internalError() };
    }
  }

  if (deps.validateResponses) response = checkResponse(request.operationId, response, deps);
  // The activity log records what the caller did, refusals included, but not quota refusals (429): a flood of them
  // says nothing the quota has not already said, and recording each would let the flood fill the log.
  if (caller && response.status !== 429) await recordActivity(request, response.status, caller, realmId, now, deps);
  // Failed authentications and wrong 2FA codes count against the IP's tighter quota.
  if (response.status === 401 || (response.body as { code?: string }).code === 'INVALID_OTP_CODE') {
    await deps.rateLimiter.recordAuthFailure(ipKey, now).catch(() => {});
  }
  deps.hooks.onAnswer?.({ operationId: request.operationId, status: response.status, code: (response.body as { code?: string }).code ?? null });
  // Field by field, not `{ ...response, headers }`: Node 20's V8 copies a spread followed by another property by its
  // slow generic path (about 1.2 µs a call against 0.15 µs; memory users.get 5-10% faster without it, bench/README.md).
  return { status: response.status, body: response.body, headers: quotaHeaders };
}

/** In development and tests, an answer the spec does not document is a bug: log it and answer 500. */
function checkResponse(operationId: string, response: PlainResponse, deps: PipelineDeps): PlainResponse {
  const issues = deps.validator.validateResponse(operationId, response.status, response.body);
  if (issues.length === 0) return response;
  deps.logger.error('response does not match the spec', {
    operationId,
    status: response.status,
    problems: issues.map((issue) => `${issue.instancePath || '(root)'} ${issue.message}`),
  });
  return { status: 500, body: internalError() };
}

async function recordActivity(request: PlainRequest, status: number, caller: Caller, realmId: string, now: Date, deps: PipelineDeps) {
  const entry: ActivityRecord = {
    id: newId(now.getTime()),
    user_id: caller.user.id,
    realm_id: realmId,
    method: request.method as ActivityRecord['method'],
    path: request.path,
    status_code: status,
    ip_address: request.ip.slice(0, 45),
    user_agent: (request.headers['user-agent'] ?? '').slice(0, 512),
    created_at: requestTimeText(now.getTime()),
  };
  try {
    await deps.store.appendActivity(entry);
  } catch (failure) {
    deps.logger.error('could not record activity', { operationId: request.operationId, error: String(failure) });
  }
}
