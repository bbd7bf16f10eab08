/**
 * Checks a request against its operation's schemas, as the server would, so that a wrong call in a unit test fails
 * there and not first against the real API: path and query parameters (coerced from text, unknown query parameters
 * refused) and the JSON body. Ajv (2020 dialect, with formats) is compiled lazily per operation and cached.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { MockOperation } from '../../../../generated/mock-spec.gen.js';

export type Problem = { field: string; message: string };

const SPEC_ID = 'https://hoody.invalid/openapi.json';
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** `$ref`s of the spec point into the component schemas registered under SPEC_ID. */
function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#') ? SPEC_ID + inner : absoluteRefs(inner),
    ]),
  );
}

export function createRequestValidator(schemas: Record<string, unknown>) {
  const make = (coerceTypes: boolean) => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ $id: SPEC_ID, components: { schemas: absoluteRefs(schemas) } });
    return ajv;
  };
  let ajvs: { params: Ajv2020; body: Ajv2020 } | undefined;
  const compiled = new Map<MockOperation, { params: ValidateFunction; body?: ValidateFunction | undefined }>();

  function validatorsOf(operation: MockOperation) {
    let found = compiled.get(operation);
    if (!found) {
      ajvs ??= { params: make(true), body: make(false) };
      const slot = (where: string) => {
        const parameters = operation.parameters.filter((p) => p.in === where);
        return {
          type: 'object',
          properties: Object.fromEntries(parameters.map((p) => [p.name, absoluteRefs(p.schema)])),
          required: parameters.filter((p) => p.required).map((p) => p.name),
          additionalProperties: where !== 'query',
        };
      };
      const query = slot('query');
      const params = ajvs.params.compile({ type: 'object', properties: { path: slot('path'), query: { ...query, additionalProperties: false } } });
      const body = operation.body ? ajvs.body.compile(absoluteRefs(operation.body.schema) as object) : undefined;
      found = { params, body };
      compiled.set(operation, found);
    }
    return found;
  }

  /** The problems of a request, in the envelope's `details` form (`query.limit`, `body.alias`); empty when valid. */
  return function requestProblems(operation: MockOperation, path: Record<string, string>, query: URLSearchParams, bodyText: string): Problem[] {
    const validators = validatorsOf(operation);
    const problems: Problem[] = [];
    const params = { path: { ...path }, query: Object.fromEntries(query) };
    if (!validators.params(params)) {
      for (const error of validators.params.errors ?? []) {
        const extra = (error.params as { additionalProperty?: string }).additionalProperty;
        const at = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
        problems.push({ field: extra ? `${at}.${extra}` : at, message: extra ? 'is not a parameter of this operation' : (error.message ?? 'is invalid') });
      }
    }
    if (operation.body) {
      if (bodyText === '') {
        if (operation.body.required) problems.push({ field: 'body', message: 'is required' });
      } else {
        let body: unknown;
        try {
          body = JSON.parse(bodyText);
        } catch {
          problems.push({ field: 'body', message: 'is not valid JSON' });
          return problems;
        }
        if (!validators.body!(body)) {
          for (const error of validators.body!.errors ?? []) {
            const extra = (error.params as { additionalProperty?: string }).additionalProperty;
            const at = ['body', ...error.instancePath.split('/').filter(Boolean), ...(extra ? [extra] : [])].join('.');
            problems.push({ field: at, message: extra ? 'is not a field of this body' : (error.message ?? 'is invalid') });
          }
        }
      }
    }
    return unique(problems);
  };
}

/** One problem per field: Ajv reports a value that fails several keywords (pattern, length) once per keyword. */
function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => !seen.has(problem.field) && Boolean(seen.add(problem.field)));
}
