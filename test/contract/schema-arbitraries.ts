/**
 * fast-check arbitraries from the spec's JSON Schemas: values a schema accepts, and values it must refuse (wrong
 * type, too long, breaking the pattern, unknown field, missing required field). What Schemathesis does, in TypeScript.
 */
import fc from 'fast-check';
import { loadSpec, resolveRef } from '../../src/spec/operations.js';

type Schema = Record<string, any>;
const spec = loadSpec();
const deref = (schema: Schema | undefined): Schema => resolveRef(spec, schema ?? {}) ?? {};

/** A pattern fast-check can generate from (no lookarounds), else undefined. */
function generatable(pattern: string | undefined): RegExp | undefined {
  if (!pattern || /\(\?[=!<]/.test(pattern)) return undefined;
  return new RegExp(pattern);
}

export function validValue(input: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = deref(input);
  if (schema.allOf?.length === 1 && !schema.type) return validValue(schema.allOf[0], depth);
  if (schema.examples?.length && (depth > 2 || /\(\?[=!<]/.test(schema.pattern ?? ''))) return fc.constantFrom(...schema.examples);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['object'];
  return fc.oneof(...types.map((type) => valueOfType(schema, type, depth)));
}

function valueOfType(schema: Schema, type: string, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, Number.MAX_SAFE_INTEGER) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'string': {
      const pattern = generatable(schema.pattern);
      if (pattern) return fc.stringMatching(pattern).filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity));
      if (schema.pattern && schema.examples?.length) return fc.constantFrom(...schema.examples.filter((e: unknown) => typeof e === 'string'));
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
    }
    case 'array':
      return fc.array(validValue(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    default: {
      const properties: Record<string, Schema> = schema.properties ?? {};
      if (depth > 2 || Object.keys(properties).length === 0) return fc.constant({});
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = validValue(property, depth + 1);
      const required: string[] = schema.required ?? [];
      return fc.record(record, { requiredKeys: required }).filter((value) => Object.keys(value).length >= (schema.minProperties ?? 0));
    }
  }
}

/**
 * A value the schema refuses, with a word on how. In a URL (path and query) every value travels as text, so a
 * "wrong type" there is only text that cannot be read as the declared type.
 */
export function invalidValue(input: Schema | undefined, inUrl = false): fc.Arbitrary<{ value: unknown; how: string }> | undefined {
  const schema = deref(input);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const options: fc.Arbitrary<{ value: unknown; how: string }>[] = [];
  const candidates = inUrl ? (types.includes('string') ? [] : ['string']) : ['string', 'integer', 'boolean', 'object', 'array', 'null'];
  const wrongType = candidates.find((t) => !types.includes(t) && !(t === 'integer' && types.includes('number')));
  if (types.length && wrongType) {
    const sample: Record<string, unknown> = { string: 'wrong type', integer: 42, boolean: true, object: { wrong: 'type' }, array: [1, 2], null: null };
    options.push(fc.constant({ value: sample[wrongType], how: `a ${wrongType} instead of ${types.join('|')}` }));
  }
  if (types.includes('string') && schema.maxLength !== undefined && !schema.enum)
    options.push(fc.constant({ value: 'a'.repeat(schema.maxLength + 1), how: `longer than ${schema.maxLength}` }));
  if (types.includes('string') && schema.pattern)
    options.push(fc.constantFrom({ value: '!not~matching', how: 'breaking the pattern' }, { value: ' ', how: 'breaking the pattern' }));
  if (types.includes('string') && schema.enum) options.push(fc.constant({ value: 'not-in-enum', how: 'outside the enum' }));
  if ((types.includes('integer') || types.includes('number')) && schema.maximum !== undefined)
    options.push(fc.constant({ value: schema.maximum + 1, how: `above ${schema.maximum}` }));
  if ((types.includes('integer') || types.includes('number')) && schema.minimum !== undefined)
    options.push(fc.constant({ value: schema.minimum - 1, how: `below ${schema.minimum}` }));
  return options.length ? fc.oneof(...options) : undefined;
}

export { deref };
