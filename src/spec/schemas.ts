/**
 * Compiles any schema of the bundled spec (a component or one written inline in a path) with Ajv. The bundle's
 * references point at `#/components/schemas/<Name>`; they are rewritten to a registered schema that holds the
 * components as `$defs`, so inline schemas and components resolve the same references.
 */
import type { Options, ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';

type Json = Record<string, unknown>;
const COMPONENTS_ID = 'https://hoody.local/openapi/components';

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')
        ? `${COMPONENTS_ID}#/$defs/${value.slice('#/components/schemas/'.length)}`
        : rewriteRefs(value);
  }
  return out;
}

export function createSchemaCompiler(spec: { components?: { schemas?: Json } }, options: Options = {}) {
  const ajv = createAjv(options);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(spec.components?.schemas ?? {}) });
  const cache = new WeakMap<object, ValidateFunction>();
  return {
    ajv,
    /** A validator for a schema object taken from the bundled spec. */
    compile(schema: object): ValidateFunction {
      let validate = cache.get(schema);
      if (!validate) {
        validate = ajv.compile(rewriteRefs(schema) as object);
        cache.set(schema, validate);
      }
      return validate;
    },
  };
}
