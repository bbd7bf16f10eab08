/**
 * The SDK's call shape, derived from hey-api's generated types for every operation at once: path and query
 * parameters named at the top level, the request body under `data`, per-call options second, and results typed from
 * the spec (`error.code` is the union of the codes that operation can return, or a transport failure's code).
 */
import type { OperationId, OperationMethods, OperationTypes, operations } from '../../../generated/operations.gen.js';
import type { HoodyTransportError } from './errors.js';
import type { ListIterator } from './list-iterator.js';

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Values<T> = T[keyof T];
/** A request slot's fields, or nothing when the operation has none (`query?: never`). */
type Slot<T> = [Exclude<T, undefined>] extends [never] ? {} : Exclude<T, undefined>;
type BodyParam<R> = R extends { body: infer B }
  ? [B] extends [never]
    ? {}
    : { data: B }
  : R extends { body?: infer B }
    ? [Exclude<B, undefined>] extends [never]
      ? {}
      : { data?: Exclude<B, undefined> }
    : {};
type Request<Id extends OperationId> = OperationTypes[Id]['request'];

/** The parameters object of an operation: `{ id, realm_id, ..., data }`. */
export type OperationParams<Id extends OperationId> = Simplify<
  Slot<Request<Id> extends { path?: infer P } ? P : never> & Slot<Request<Id> extends { query?: infer Q } ? Q : never> & BodyParam<Request<Id>>
>;

/** The second argument of every method. */
export type CallOptions<ThrowOnError extends boolean = boolean> = {
  /** Cancels the call (TanStack Query's `queryFn: ({ signal }) => ...`); the result is a transport failure `ABORTED`. */
  signal?: AbortSignal | undefined;
  /** Extra headers for this call only, for example `{ Prefer: 'example=USER_NOT_FOUND' }` against the mock. */
  headers?: Record<string, string> | undefined;
  /** Milliseconds before the call is abandoned as a transport failure `TIMEOUT` (overrides the client's). */
  timeout?: number | undefined;
  /** Throw `HoodyApiError` / `HoodyTransportError` instead of returning `{ error }` (overrides the client's). */
  throwOnError?: ThrowOnError | undefined;
};

/** Params first (optional when every field is), then the call options. */
export type MethodArgs<P, Options> = {} extends P ? [params?: P, options?: Options] : [params: P, options?: Options];

export type SuccessBody<Id extends OperationId> = Values<OperationTypes[Id]['responses']>;
/** The error envelope of an operation; `code` is the union of the codes it documents. */
export type ErrorBody<Id extends OperationId> = Values<OperationTypes[Id]['errors']>;
export type ErrorCode<Id extends OperationId> = ErrorBody<Id> extends { code: infer Code } ? Code : never;

export type ApiSuccess<Id extends OperationId> = { data: SuccessBody<Id>; error: undefined; request: globalThis.Request; response: Response };
/** The server answered with the documented envelope: `error.statusCode` is the status, `response` is there. */
export type ApiFailure<Id extends OperationId> = { data: undefined; error: ErrorBody<Id>; request: globalThis.Request; response: Response };
/** No usable answer: network, CORS, abort, timeout, or a body that is not the envelope. */
export type TransportFailure = { data: undefined; error: HoodyTransportError; request: globalThis.Request | undefined; response: Response | undefined };

export type ApiResult<Id extends OperationId> = ApiSuccess<Id> | ApiFailure<Id> | TransportFailure;
export type ResultOf<Id extends OperationId, ThrowOnError extends boolean> = ThrowOnError extends true ? ApiSuccess<Id> : ApiResult<Id>;

export type OperationMethod<Id extends OperationId, ClientThrows extends boolean = false> = <ThrowOnError extends boolean = ClientThrows>(
  ...args: MethodArgs<OperationParams<Id>, CallOptions<ThrowOnError>>
) => Promise<ResultOf<Id, ThrowOnError>>;

type PaginatedId = Values<{ [Id in OperationId]: (typeof operations)[Id]['paginated'] extends true ? Id : never }>;
export type ListItem<Id extends OperationId> = SuccessBody<Id> extends { data: ReadonlyArray<infer Item> } ? Item : never;
/** List iterators take `signal`, `headers` and `timeout` for every page; they report failures their own way. */
export type ListIteratorMethod<Id extends OperationId> = (
  ...args: MethodArgs<OperationParams<Id>, Omit<CallOptions, 'throwOnError'>>
) => ListIterator<ListItem<Id>, ErrorBody<Id> | HoodyTransportError>;

type GroupOf<Id> = Id extends `${infer Group}.${string}` ? Group : never;
type MethodOf<Id> = Id extends `${string}.${infer Method}` ? Method : never;

/**
 * `client.api`: one object per group, one method per operation, and `<method>Iterator` per paginated list. It maps
 * over the generated `OperationMethods` (homomorphically), so each method keeps that interface's documentation: the
 * operation's summary, and `@deprecated` for a deprecated operation.
 */
export type HoodyApi<ClientThrows extends boolean = false> = {
  [Group in keyof OperationMethods]: { [Name in keyof OperationMethods[Group]]: OperationMethod<OperationMethods[Group][Name] & OperationId, ClientThrows> } & {
    [Id in PaginatedId as GroupOf<Id> extends Group ? `${MethodOf<Id>}Iterator` : never]: ListIteratorMethod<Id>;
  };
};
