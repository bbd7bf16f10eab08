/** Reads the bundled spec and lists its operations: the single place that walks `paths` for everyone else. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SPEC_PATH = fileURLToPath(new URL('../../generated/openapi.json', import.meta.url));
export const DOCS_SITE_PATH = fileURLToPath(new URL('../../docs/site/index.html', import.meta.url));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type OpenApiDocument = { paths: Record<string, Record<string, any>>; components: Record<string, any>; [key: string]: any };
export type SpecOperation = { operationId: string; method: string; path: string; operation: Record<string, any>; pathItem: Record<string, any> };

export function loadSpec(path = SPEC_PATH): OpenApiDocument {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function listOperations(spec: OpenApiDocument): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (operation) operations.push({ operationId: operation.operationId, method: method.toUpperCase(), path, operation, pathItem });
    }
  }
  return operations;
}

/**
 * The operation a concrete request is for (`GET /api/v1/auth/tokens/507f...`): static segments win over templated
 * ones, as in the server's router (`/tokens/me` is not `/tokens/{id}`).
 */
export function findOperation(operations: SpecOperation[], method: string, path: string): SpecOperation | undefined {
  const candidates = operations.filter((op) => op.method === method.toUpperCase() && templatePattern(op.path).test(path));
  return candidates.find((op) => op.path === path) ?? candidates.sort((a, b) => a.path.split('{').length - b.path.split('{').length)[0];
}

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
