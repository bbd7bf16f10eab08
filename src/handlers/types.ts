/**
 * Handler types, derived from the generated types of every operation: each handler gets its operation's typed
 * path parameters, query and body, and may only return a status the spec documents for that operation, with that
 * status's body. A handler answering an undocumented status or shape fails `npm run typecheck`.
 */
import type { OperationId, OperationTypes } from '../../generated/operations.gen.js';

type Values<T> = T[keyof T];
type Slot<T> = [Exclude<T, undefined>] extends [never] ? {} : Exclude<T, undefined>;
type Request<Id extends OperationId> = OperationTypes[Id]['request'];

/** The validated request a handler receives. */
export type HandlerInput<Id extends OperationId> = {
  params: Slot<Request<Id> extends { path?: infer P } ? P : never>;
  query: Slot<Request<Id> extends { query?: infer Q } ? Q : never>;
  body: Request<Id> extends { body?: infer B } ? ([Exclude<B, undefined>] extends [never] ? undefined : B) : undefined;
};

type StatusBodies<T> = Values<{ [Status in Extract<keyof T, number>]: { status: Status; body: T[Status] } }>;

/** What a handler may answer: one of the operation's documented statuses (not `default`) with its body. */
export type HandlerResult<Id extends OperationId> = StatusBodies<OperationTypes[Id]['responses']> | StatusBodies<OperationTypes[Id]['errors']>;

export type Handler<Id extends OperationId, Context> = (input: HandlerInput<Id>, context: Context) => Promise<HandlerResult<Id>> | HandlerResult<Id>;

/** One handler per operationId; the server's context type is its parameter. */
export type Handlers<Context> = { [Id in OperationId]: Handler<Id, Context> };
