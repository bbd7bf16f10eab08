/**
 * Reads the bundled spec and lists its operations: the single place that walks `paths` for everyone else (the server,
 * the generators, the docs and the tests). Each operation comes with what is derived from it once: its parameters
 * resolved (path-level ones merged with its own), its request body schema, and the error codes each status lists.
 */
import { readFileSync } from 'node:fs';
import { SPEC_PATH } from '../paths.js';

export { DOCS_SITE_PATH, SPEC_PATH } from '../paths.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type OpenApiDocument = { paths: Record<string, Record<string, any>>; components: Record<string, any>; [key: string]: any };
export type SpecParameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: any; [key: string]: any };
export type ErrorCodeEntry = { code: string; title: string; description: string; resolution: string };

export type SpecOperation = {
  operationId: string;
  method: string;
  path: string;
  operation: Record<string, any>;
  pathItem: Record<string, any>;
  /** Path-level and operation parameters, resolved; an operation's own wins over a path-level one of the same name. */
  parameters: SpecParameter[];
  /** The JSON request body's schema, resolved at its top, when the operation takes a body. */
  bodySchema: any | undefined;
  /** Status (`default` as is) -> the `x-error-codes` entries its response lists. */
  errorCodes: Map<string, ErrorCodeEntry[]>;
};

export function loadSpec(path = SPEC_PATH): OpenApiDocument {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function listOperations(spec: OpenApiDocument): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const own = (operation.parameters ?? []).map((p: unknown) => resolveRef<SpecParameter>(spec, p));
      const inherited = (pathItem.parameters ?? [])
        .map((p: unknown) => resolveRef<SpecParameter>(spec, p))
        .filter((p: SpecParameter) => !own.some((o: SpecParameter) => o.name === p.name && o.in === p.in));
      const errorCodes = new Map<string, ErrorCodeEntry[]>();
      for (const [status, response] of Object.entries<any>(operation.responses ?? {})) {
        const entries = resolveRef(spec, response)?.['x-error-codes'];
        if (entries) errorCodes.set(status, entries);
      }
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        operation,
        pathItem,
        parameters: [...inherited, ...own],
        bodySchema: resolveRef(spec, operation.requestBody)?.content?.['application/json']?.schema,
        errorCodes,
      });
    }
  }
  return operations;
}

/**
 * An example call of an operation in the SDK's flat shape, from the spec's own examples: each path parameter's
 * example (its own, else its schema's), each query parameter that has an example of its own, and the body schema's
 * example under `data`. The docs show it; the tests send it.
 */
export function exampleParams(spec: OpenApiDocument, op: SpecOperation): Record<string, unknown> {
  const example = (schema: unknown) => resolveRef(spec, schema)?.examples?.[0];
  const params: Record<string, unknown> = {};
  for (const parameter of op.parameters.filter((p) => p.in === 'path')) params[parameter.name] = parameter.example ?? example(parameter.schema);
  for (const parameter of op.parameters.filter((p) => p.in === 'query' && p.example !== undefined)) params[parameter.name] = parameter.example;
  const body = op.bodySchema === undefined ? undefined : example(op.bodySchema);
  if (body !== undefined) params.data = body;
  return params;
}

/** The codes an operation lists for a status (`400`, `'default'`). */
export const codesAt = (op: SpecOperation, status: number | string): string[] => (op.errorCodes.get(String(status)) ?? []).map((entry) => entry.code);

/**
 * The one specificity order of path templates: position by position, a static segment before a parameter, so that
 * `/tokens/me` wins over `/tokens/{id}`. The server registers routes in this order; findOperation picks by it.
 */
export function bySpecificity(a: Pick<SpecOperation, 'path'>, b: Pick<SpecOperation, 'path'>): number {
  const left = a.path.split('/');
  const right = b.path.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const leftParam = left[i].startsWith('{');
    const rightParam = right[i].startsWith('{');
    if (leftParam !== rightParam) return leftParam ? 1 : -1;
  }
  return 0;
}

/**
 * The operation a concrete request is for (`GET /api/v1/auth/tokens/507f...`), by the server's own order
 * (`bySpecificity`: `/tokens/me` is not `/tokens/{id}`).
 */
export function findOperation(operations: SpecOperation[], method: string, path: string): SpecOperation | undefined {
  return operations.filter((op) => op.method === method.toUpperCase() && fitsTemplate(op.path, path)).sort(bySpecificity)[0];
}

/** Whether a concrete path fits a path template: a parameter fits one non-empty segment, so no trailing slash fits. */
export const fitsTemplate = (template: string, path: string): boolean => templatePattern(template).test(path);

const patterns = new Map<string, RegExp>();
function templatePattern(template: string): RegExp {
  let pattern = patterns.get(template);
  if (!pattern) patterns.set(template, (pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)));
  return pattern;
}

/** Follows local `#/...` references of the bundled spec until it reaches the referenced object. */
export function resolveRef<T = any>(spec: OpenApiDocument, node: any): T {
  let current = node;
  while (current && typeof current.$ref === 'string' && current.$ref.startsWith('#/')) {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((value: any, segment: string) => value?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return current as T;
}
