/**
 * Writes generated/operations.gen.ts from the bundled spec: the operation table the SDK layer (src/sdk/) and the
 * server's handler types (src/handlers/types.ts) are built on.
 *
 * For each operationId: its SDK group and method (the operationId's two parts), HTTP method and path, whether it is
 * a paginated list (it takes `page` and answers `metadata`), and the hey-api types of its request, responses and
 * errors. hey-api names those types after the operationId (`authTokens.addRealm` -> `AuthTokensAddRealmData`); a
 * wrong name fails `tsc`, so this table cannot silently drift from the generated types.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listOperations, loadSpec, resolveRef, type OpenApiDocument, type SpecOperation } from '../src/spec/operations.js';

const root = resolve(import.meta.dirname, '..');

const pascal = (operationId: string) =>
  operationId
    .split('.')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

function isPaginated(spec: OpenApiDocument, op: SpecOperation): boolean {
  const success = resolveRef(spec, op.operation.responses['200']);
  const schema = resolveRef(spec, success?.content?.['application/json']?.schema);
  return op.parameters.some((p) => p.in === 'query' && p.name === 'page') && Boolean(schema?.properties?.metadata);
}

function renderOperationsModule(spec: OpenApiDocument): string {
  const operations = listOperations(spec).sort((a, b) => a.operationId.localeCompare(b.operationId));
  const table = operations.map((op) => {
    const [group, method] = op.operationId.split('.');
    return `  '${op.operationId}': { group: '${group}', method: '${method}', httpMethod: '${op.method}', path: '${op.path}', paginated: ${isPaginated(spec, op)} },`;
  });
  const types = operations.map((op) => {
    const name = pascal(op.operationId);
    return `  '${op.operationId}': { request: Types.${name}Data; responses: Types.${name}Responses; errors: Types.${name}Errors };`;
  });
  return [
    '// This file is generated from generated/openapi.json by scripts/generate-operations.ts. Do not edit.',
    '',
    "import type * as Types from './client/types.gen.js';",
    '',
    'export const operations = {',
    ...table,
    '} as const;',
    '',
    'export type OperationId = keyof typeof operations;',
    '',
    '/** The hey-api types of each operation: request (`path`, `query`, `body`), responses and errors by status. */',
    'export interface OperationTypes {',
    ...types,
    '}',
    '',
  ].join('\n');
}

if (process.argv[1]?.endsWith('generate-operations.ts')) {
  const output = resolve(process.argv[2] ?? join(root, 'generated/operations.gen.ts'));
  writeFileSync(output, renderOperationsModule(loadSpec()));
  console.log(`wrote ${output}`);
}
