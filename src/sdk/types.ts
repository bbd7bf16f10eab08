/**
 * The SDK's call shape, derived from hey-api's generated types for every operation at once: path and query
 * parameters named at the top level, the request body under `data`, and `{ data, error }` results typed from the
 * spec (`error.code` is the union of the codes that operation can return).
 */
import type { OperationId, OperationTypes, operations } from '../../generated/operations.gen.js';
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
/** Optional when every field is. */
export type ParamsArgs<P> = {} extends P ? [params?: P] : [params: P];

export type SuccessBody<Id extends OperationId> = Values<OperationTypes[Id]['responses']>;
export type ErrorBody<Id extends OperationId> = Values<OperationTypes[Id]['errors']>;
export type ErrorCode<Id extends OperationId> = ErrorBody<Id> extends { code: infer Code } ? Code : never;

export type ApiResult<Id extends OperationId> = ({ data: SuccessBody<Id>; error: undefined } | { data: undefined; error: ErrorBody<Id> }) & {
  request: globalThis.Request;
  response: Response;
};

export type OperationMethod<Id extends OperationId> = (...args: ParamsArgs<OperationParams<Id>>) => Promise<ApiResult<Id>>;

type PaginatedId = Values<{ [Id in OperationId]: (typeof operations)[Id]['paginated'] extends true ? Id : never }>;
export type ListItem<Id extends OperationId> = SuccessBody<Id> extends { data: ReadonlyArray<infer Item> } ? Item : never;
export type ListIteratorMethod<Id extends OperationId> = (...args: ParamsArgs<OperationParams<Id>>) => ListIterator<ListItem<Id>, ErrorBody<Id>>;

type GroupOf<Id> = Id extends `${infer Group}.${string}` ? Group : never;
type MethodOf<Id> = Id extends `${string}.${infer Method}` ? Method : never;

/** `client.api`: one object per group, one method per operation, and `<method>Iterator` per paginated list. */
export type HoodyApi = {
  [Group in GroupOf<OperationId>]: Simplify<
    { [Id in OperationId as GroupOf<Id> extends Group ? MethodOf<Id> : never]: OperationMethod<Id> } & {
      [Id in PaginatedId as GroupOf<Id> extends Group ? `${MethodOf<Id>}Iterator` : never]: ListIteratorMethod<Id>;
    }
  >;
};
