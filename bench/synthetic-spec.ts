/**
 * The spec with N times its operations, for showing that per-request cost does not grow with the spec: copy k of
 * every path is mounted under `/copy<k>`, with operationIds `<id>~copy<k>`, each served by the original's handler
 * (`multiplyHandlers`). Copy 0 is the original spec.
 */
import type { OperationHandlers } from '../src/pipeline/handle-operation.js';
import type { OpenApiDocument } from '../src/spec/operations.js';

const copyId = (operationId: string, copy: number) => `${operationId}~copy${copy}`;

/** The handlers with one entry per copied operation, pointing at the original's handler. */
export function multiplyHandlers(handlers: OperationHandlers, times: number): OperationHandlers {
  const all: Record<string, unknown> = { ...handlers };
  for (let copy = 1; copy < times; copy += 1) for (const [id, handler] of Object.entries(handlers)) all[copyId(id, copy)] = handler;
  return all as OperationHandlers;
}

export function multiplySpec(spec: OpenApiDocument, times: number): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = { ...spec.paths };
  for (let copy = 1; copy < times; copy += 1) {
    for (const [path, item] of Object.entries(spec.paths)) {
      const cloned: Record<string, any> = {};
      for (const [key, value] of Object.entries(item)) {
        cloned[key] = value && typeof value === 'object' && 'operationId' in value ? { ...value, operationId: copyId(value.operationId, copy) } : value;
      }
      paths[`/copy${copy}${path}`] = cloned;
    }
  }
  return { ...spec, paths };
}
