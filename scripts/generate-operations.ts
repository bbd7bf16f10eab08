/**
 * Renders generated/operations.gen.ts from the bundled spec: the operation table the SDK package (packages/sdk/) and the
 * server's handler types (src/handlers/types.ts) are built on.
 *
 * For each operationId: its SDK group and method (the operationId's two parts), HTTP method and path, whether it is
 * a paginated list (it takes `page` and answers `metadata`), and the hey-api types of its request, responses and
 * errors, by the names hey-api itself gave them in the SDK it wrote (see heyApiTypeNames).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listOperations, resolveRef, type OpenApiDocument, type SpecOperation } from '../src/spec/operations.js';

const root = resolve(import.meta.dirname, '..');

/**
 * hey-api's own names for an operation's types, read from the SDK it just wrote: each method calls
 * `client.<method><Responses, Errors, ThrowOnError>({ ..., url })`, so (HTTP method, path) finds the names hey-api
 * gave, and the request type is its `...Data` twin in types.gen.ts. A name hey-api did not write stops the generation.
 */
function heyApiTypeNames(): Map<string, { data: string; responses: string; errors: string }> {
  const sdk = readFileSync(join(root, 'generated/client/sdk.gen.ts'), 'utf8');
  const types = readFileSync(join(root, 'generated/client/types.gen.ts'), 'utf8');
  const names = new Map<string, { data: string; responses: string; errors: string }>();
  for (const [, method, responses, errors, url] of sdk.matchAll(/\.(get|post|put|patch|delete)<(\w+), (\w+), ThrowOnError>\(\{[\s\S]*?url: '([^']+)'/g)) {
    const data = responses.replace(/Responses$/, 'Data');
    if (!new RegExp(`export type ${data} =`).test(types)) throw new Error(`hey-api wrote no ${data} for ${method.toUpperCase()} ${url}`);
    names.set(`${method.toUpperCase()} ${url}`, { data, responses, errors });
  }
  return names;
}

function isPaginated(spec: OpenApiDocument, op: SpecOperation): boolean {
  const success = resolveRef(spec, op.operation.responses['200']);
  const schema = resolveRef(spec, success?.content?.['application/json']?.schema);
  return op.parameters.some((p) => p.in === 'query' && p.name === 'page') && Boolean(schema?.properties?.metadata);
}

export function renderOperationsModule(spec: OpenApiDocument): string {
  const operations = listOperations(spec).sort((a, b) => a.operationId.localeCompare(b.operationId));
  const table = operations.map((op) => {
    const [group, method] = op.operationId.split('.');
    return `  '${op.operationId}': { group: '${group}', method: '${method}', httpMethod: '${op.method}', path: '${op.path}', paginated: ${isPaginated(spec, op)} },`;
  });
  const heyApi = heyApiTypeNames();
  const types = operations.map((op) => {
    const names = heyApi.get(`${op.method} ${op.path}`);
    if (!names) throw new Error(`hey-api's SDK has no method for ${op.method} ${op.path} (${op.operationId})`);
    return `  '${op.operationId}': { request: Types.${names.data}; responses: Types.${names.responses}; errors: Types.${names.errors} };`;
  });
  // Per group, each method's operationId, with the operation's summary (and `@deprecated`) as its documentation: the
  // SDK's types map over this interface, so editors show the docs on `client.api.<group>.<method>`.
  const groups = new Map<string, string[]>();
  for (const op of operations) {
    const [group, method] = op.operationId.split('.') as [string, string];
    const doc = [
      `${String(op.operation.summary ?? op.operationId).replace(/\*\//g, '*\\/')}: \`${op.method} ${op.path}\`.`,
      ...(op.operation.deprecated ? ['@deprecated Deprecated in the spec: it will be removed in the next major version; see CHANGELOG.md.'] : []),
    ];
    groups.set(group, [...(groups.get(group) ?? []), `    /** ${doc.join('\n     * ')} */`, `    ${method}: '${op.operationId}';`]);
  }
  const methods = [...groups].flatMap(([group, lines]) => [`  ${group}: {`, ...lines, '  };']);
  return [
    '// This file is generated from generated/openapi.json by scripts/generate-operations.ts. Do not edit.',
    '',
    "import type * as Types from './client/types.gen.js';",
    '',
    '/** The `info.version` of the spec this was generated from: the contract the SDK speaks. */',
    `export const SPEC_VERSION = ${JSON.stringify(spec.info.version)};`,
    '',
    'export const operations = {',
    ...table,
    '} as const;',
    '',
    'export type OperationId = keyof typeof operations;',
    '',
    "/** The SDK's groups and methods, each documented with its operation's summary. */",
    'export interface OperationMethods {',
    ...methods,
    '}',
    '',
    '/** The hey-api types of each operation: request (`path`, `query`, `body`), responses and errors by status. */',
    'export interface OperationTypes {',
    ...types,
    '}',
    '',
  ].join('\n');
}
