/**
 * The spec with N times its operations, for showing that per-request cost does not grow with the spec: copy k of
 * every path is mounted under `/copy<k>`, with operationIds `<id>~copy<k>` served by the original handler
 * (`x-handler`). Copy 0 is the original spec.
 */
import type { OpenApiDocument } from '../src/spec/operations.js';

export function multiplySpec(spec: OpenApiDocument, times: number): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = { ...spec.paths };
  for (let copy = 1; copy < times; copy += 1) {
    for (const [path, item] of Object.entries(spec.paths)) {
      const cloned: Record<string, any> = {};
      for (const [key, value] of Object.entries(item)) {
        cloned[key] = value && typeof value === 'object' && 'operationId' in value
          ? { ...value, operationId: `${value.operationId}~copy${copy}`, 'x-handler': value.operationId }
          : value;
      }
      paths[`/copy${copy}${path}`] = cloned;
    }
  }
  return { ...spec, paths };
}
