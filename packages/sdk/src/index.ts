/**
 * `@hoody/sdk`: the Hoody user API in the seed pages' call shape.
 *
 *   const client = createHoodyClient({ baseUrl: 'http://localhost:3000', token });
 *   const { data, error } = await client.api.users.get({ id }, { signal, timeout: 5_000 });
 *   await client.api.vault.set({ key, data: { value }, realm_id });
 *   for await (const token of client.api.authTokens.listIterator()) { ... }
 *
 * A thin layer over hey-api's generated SDK (generated/client/), built from the generated operation table, so a new
 * operation in the spec appears here after `npm run generate` with no hand work. What it adds: the body under
 * `data`, per-call options, failures split into API errors and transport failures, list iterators, and auth hooks.
 */
import { createClient, createConfig, type Client, type Config } from '../../../generated/client/client/index.js';
import { HoodyApi as GeneratedSdk } from '../../../generated/client/sdk.gen.js';
import { operations } from '../../../generated/operations.gen.js';
import { abortedBy, HoodyApiError, HoodyTransportError, isErrorEnvelope, transportFailure, unexpectedResponse } from './errors.js';
import { ListIterator, type PageResult } from './list-iterator.js';
import { callSignal } from './signals.js';
import type { CallOptions, HoodyApi } from './types.js';

export type {
  ApiFailure,
  ApiResult,
  ApiSuccess,
  CallOptions,
  ErrorBody,
  ErrorCode,
  HoodyApi,
  ListItem,
  OperationParams,
  SuccessBody,
  TransportFailure,
} from './types.js';
export type { OperationId } from '../../../generated/operations.gen.js';
export { HoodyApiError, HoodyTransportError, isTransportError, type TransportErrorCode } from './errors.js';
export { ListIterator } from './list-iterator.js';
export { SPEC_VERSION } from '../../../generated/operations.gen.js';

type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export type HoodyClientOptions<ThrowOnError extends boolean = false> = {
  /** Where the API is served, e.g. `http://localhost:3000`, or the mock's `http://localhost:4010`. */
  baseUrl: string;
  /** A session JWT or an `hdy_` API token, or a function returning one per request. */
  token?: TokenSource | undefined;
  /**
   * Called once when a call answers `401 TOKEN_EXPIRED`: return a fresh token and the call is retried once with it
   * (it is then used for every later call). Concurrent expiries share one refresh. Return undefined to give up.
   */
  refreshToken?: (() => Promise<string | undefined>) | undefined;
  /** Sees (and may replace) every request before it is sent: tracing headers, logging. */
  onRequest?: ((request: Request) => Request | void | Promise<Request | void>) | undefined;
  /** Sees (and may replace) every response before it is read. */
  onResponse?: ((response: Response, request: Request) => Response | void | Promise<Response | void>) | undefined;
  /** A fetch implementation; the tests pass the server's in-process `app.request`. */
  fetch?: typeof fetch | undefined;
  /** Headers sent with every request (for example `Prefer: example=USER_NOT_FOUND` against the mock). */
  headers?: Record<string, string> | undefined;
  /** Milliseconds before any call is abandoned as `TIMEOUT`; a call's own `timeout` overrides it. */
  timeout?: number | undefined;
  /** Throw instead of returning `{ error }`, for every call (a call's own `throwOnError` overrides it). */
  throwOnError?: ThrowOnError | undefined;
};

export type HoodyClient<ThrowOnError extends boolean = false> = {
  api: HoodyApi<ThrowOnError>;
  /** hey-api's client underneath, for what this layer does not cover. */
  client: Client;
};

type AnyParams = Record<string, unknown> & { data?: unknown; page?: number };
type RawResult = { data?: unknown; error?: unknown; request?: Request; response?: Response };
type GeneratedMethod = (params: Record<string, unknown>, options: Record<string, unknown>) => Promise<RawResult>;

export function createHoodyClient<ThrowOnError extends boolean = false>(options: HoodyClientOptions<ThrowOnError>): HoodyClient<ThrowOnError> {
  let refreshedToken: string | undefined;
  let refreshing: Promise<string | undefined> | undefined;
  const token = async () => refreshedToken ?? (typeof options.token === 'function' ? await options.token() : options.token);
  /** One refresh for every call that saw the same expiry. */
  const refresh = (refreshToken: () => Promise<string | undefined>) =>
    (refreshing ??= refreshToken()
      .then((fresh) => (refreshedToken = fresh ?? refreshedToken))
      .finally(() => (refreshing = undefined)));

  const client = createClient(createConfig({ baseUrl: options.baseUrl, fetch: options.fetch, auth: token, headers: options.headers } as Config));
  const { onRequest, onResponse } = options;
  if (onRequest) client.interceptors.request.use(async (request) => (await onRequest(request)) ?? request);
  if (onResponse) client.interceptors.response.use(async (response, request) => (await onResponse(response, request)) ?? response);

  const sdk = new GeneratedSdk({ client }) as unknown as Record<string, Record<string, GeneratedMethod>>;
  const api: Record<string, Record<string, unknown>> = {};

  for (const meta of Object.values(operations)) {
    const groupSdk = sdk[meta.group]!;
    const generated = groupSdk[meta.method]!.bind(groupSdk);

    const send = async (params: AnyParams, call: CallOptions) => {
      const { data, ...named } = params;
      const signal = callSignal(call.signal ?? undefined, call.timeout ?? options.timeout);
      // hey-api's flat signature names the body after its schema; it also takes the body from its options, which
      // lets one generic rename serve every operation. Errors are classified here, so hey-api never throws.
      const raw = await generated(named, { ...(data === undefined ? {} : { body: data }), headers: call.headers, signal, throwOnError: false });
      if (raw.response === undefined) {
        const timedOut = signal?.aborted && (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
        const failure = call.signal?.aborted ? abortedBy(call.signal) : timedOut ? transportFailure(signal!.reason) : transportFailure(raw.error);
        return { data: undefined, error: failure, request: raw.request, response: undefined };
      }
      if (raw.error === undefined) return raw;
      const error = isErrorEnvelope(raw.error) ? raw.error : unexpectedResponse(raw.response.status, raw.error);
      return { data: undefined, error, request: raw.request, response: raw.response };
    };

    const call = async (params: AnyParams = {}, call: CallOptions = {}) => {
      let result = await send(params, call);
      if (options.refreshToken && isErrorEnvelope(result.error) && result.error.code === 'TOKEN_EXPIRED') {
        // Refresh unless another call already replaced the token this request was sent with; retry once either way
        // when there is a token other than the expired one.
        const sentWith = result.request?.headers.get('authorization')?.replace(/^Bearer /, '');
        const fresh = refreshedToken !== undefined && refreshedToken !== sentWith ? refreshedToken : await refresh(options.refreshToken);
        if (fresh !== undefined && fresh !== sentWith) result = await send(params, call);
      }
      if ((call.throwOnError ?? options.throwOnError) && result.error !== undefined) {
        throw result.error instanceof HoodyTransportError ? result.error : new HoodyApiError(result.error as never);
      }
      return result;
    };

    const group = (api[meta.group] ??= {});
    group[meta.method] = call;
    if (meta.paginated) {
      group[`${meta.method}Iterator`] = (params: AnyParams = {}, pageOptions: CallOptions = {}) =>
        new ListIterator(
          (page) => call({ ...params, page }, { ...pageOptions, throwOnError: false }) as Promise<PageResult<unknown, unknown>>,
          params.page ?? 1,
        );
    }
  }
  return { api: api as unknown as HoodyApi<ThrowOnError>, client };
}
