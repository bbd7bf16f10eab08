/**
 * The one Ajv set-up every validator of this project uses (spec tests, the server, the contract tests): JSON Schema
 * 2020-12 as OpenAPI 3.1 requires, formats on, strict, and the spec's own schema keywords registered so that strict
 * mode accepts them and `x-max-serialized-bytes` is enforced rather than ignored.
 */
import { Ajv2020, type ErrorObject, type Options } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { Buffer } from 'node:buffer';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/** Schema keywords the spec uses beyond JSON Schema (all annotations except the size limit). */
const SPEC_ANNOTATION_KEYWORDS = ['x-error-code', 'x-size-error-code', 'x-template-permissions'] as const;

export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, verbose: true, allowUnionTypes: true, ...options });
  addFormats(ajv);
  for (const keyword of SPEC_ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['string', 'object'] });
  ajv.addKeyword({
    keyword: 'x-max-serialized-bytes',
    schemaType: 'number',
    errors: true,
    validate: function maxSerializedBytes(limit: number, data: unknown, parentSchema?: Record<string, unknown>) {
      if (data === null || typeof data !== 'object') return true;
      const size = Buffer.byteLength(JSON.stringify(data), 'utf8');
      if (size <= limit) return true;
      // The schema's size code travels in the error, since Ajv gives custom keyword errors no parentSchema.
      (maxSerializedBytes as { errors?: Partial<ErrorObject>[] }).errors = [
        {
          keyword: 'x-max-serialized-bytes',
          message: `must not exceed ${limit} bytes of serialized JSON (has ${size})`,
          params: { limit, code: parentSchema?.['x-size-error-code'] },
        },
      ];
      return false;
    },
  });
  return ajv;
}
