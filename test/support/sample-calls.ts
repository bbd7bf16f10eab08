/**
 * One valid call per operation, derived from the spec's own examples (the same ones the docs show): each path
 * parameter's example and the body's example under `data`, in the SDK's flat shape. A new operation gets its sample
 * from its examples; nothing here is kept by hand. The spec's example user id is the demo `john_doe`; a test acting
 * as another user passes its own id (`self`) in its place, which for a token id simply finds no token.
 */
import type { OperationId } from '../../generated/operations.gen.js';
import type { AnsweredApi as HoodyApi } from './answered.js';
import { exampleParams, listOperations, loadSpec } from '../../src/spec/operations.js';
import { DEMO_REALMS, DEMO_USERS } from '../../src/store/demo-data.js';

export const SOME_ID = '6650ffffffffffffffffffff';
export const PUBLIC_KEY = 'a1b2c3d4e5f6789012345678901234567890abcdefabcdefabcdefabcdef1234';
export const REALM = DEMO_REALMS[0];
const john = DEMO_USERS.john_doe.id;

type Result = { response: Response; data?: unknown; error?: unknown };

const spec = loadSpec();
const examples = new Map(listOperations(spec).map((op) => [op.operationId as OperationId, exampleParams(spec, op)]));

export const operationIds = [...examples.keys()];

/** A fresh copy of an operation's example parameters, with `self` in place of the example user's id. */
export function sampleParams(operationId: OperationId, self: string = john): Record<string, unknown> {
  const params: Record<string, unknown> = structuredClone(examples.get(operationId)!);
  if (params.id === john) params.id = self;
  return params;
}

/** Calls an operation through the SDK by its operationId. */
export function callOperation(api: HoodyApi, operationId: OperationId, params: Record<string, unknown>): Promise<Result> {
  const [group, method] = operationId.split('.');
  return (api as any)[group][method](params);
}

/** One valid call per operation, for tests that check what every operation does with a given credential. */
export const sampleCalls = Object.fromEntries(
  operationIds.map((operationId) => [operationId, (api: HoodyApi, self: string) => callOperation(api, operationId, sampleParams(operationId, self))]),
) as Record<OperationId, (api: HoodyApi, self: string) => Promise<Result>>;

export { john };
