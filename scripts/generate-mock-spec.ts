/**
 * Renders generated/mock-spec.gen.ts from the bundled spec: what the SDK's MSW handlers (packages/sdk/src/msw/) and
 * the mock's scenario selection need, and nothing a reader would: per operation its method, path, request schemas
 * (parameters and body, `$ref`s left pointing into `schemas`) and every documented answer as (status, example name,
 * body, headers); and the component schemas once. A `default` response's examples take their status from their
 * own `statusCode` (500 INTERNAL_ERROR, 503 SERVICE_UNAVAILABLE).
 */
import { listOperations, resolveRef, type OpenApiDocument } from '../src/spec/operations.js';

/** Schema keywords that only explain; the validator does not need them. */
const PROSE = new Set(['description', 'title', '$comment', 'externalDocs']);

function withoutProse(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProse);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, inner]) => (PROSE.has(key) ? [] : [[key, withoutProse(inner)]])));
}

function answersOf(spec: OpenApiDocument, responses: Record<string, unknown>) {
  const answers: Array<{ status: number; name: string; body: unknown; headers: Record<string, string> }> = [];
  for (const [documented, ref] of Object.entries(responses)) {
    const response = resolveRef<any>(spec, ref);
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries<any>(response.headers ?? {})) {
      const example = resolveRef<any>(spec, header).example;
      if (example !== undefined) headers[name] = String(example);
    }
    const media = response.content?.['application/json'];
    const examples: Array<[string, unknown]> = media?.examples
      ? Object.entries<any>(media.examples).map(([name, example]) => [name, resolveRef<any>(spec, example).value])
      : media?.example !== undefined
        ? [['default', media.example]]
        : [['default', undefined]];
    for (const [name, body] of examples) {
      const status = documented === 'default' ? Number((body as { statusCode?: number })?.statusCode ?? 500) : Number(documented);
      answers.push({ status, name, body, headers });
    }
  }
  return answers.sort((a, b) => a.status - b.status);
}

export function renderMockSpec(spec: OpenApiDocument): string {
  const operations = Object.fromEntries(
    listOperations(spec)
      .sort((a, b) => a.operationId.localeCompare(b.operationId))
      .map((op) => [
        op.operationId,
        {
          method: op.method,
          path: op.path,
          parameters: op.parameters.map((p) => ({ name: p.name, in: p.in, required: Boolean(p.required), schema: withoutProse(p.schema) })),
          body:
            op.bodySchema === undefined
              ? undefined
              : { required: Boolean(resolveRef<any>(spec, op.operation.requestBody)?.required), schema: withoutProse(op.bodySchema) },
          answers: answersOf(spec, op.operation.responses),
        },
      ]),
  );
  return [
    '// This file is generated from generated/openapi.json by scripts/generate-mock-spec.ts. Do not edit.',
    '',
    '/** One documented answer: its status, example name (an error example is named after its code), body and headers. */',
    'export type MockAnswer = { status: number; name: string; body: unknown; headers: Record<string, string> };',
    'export type MockParameter = { name: string; in: string; required: boolean; schema: unknown };',
    'export type MockOperation = { method: string; path: string; parameters: MockParameter[]; body?: { required: boolean; schema: unknown }; answers: MockAnswer[] };',
    'export type MockSpec = { version: string; operations: Record<string, MockOperation>; schemas: Record<string, unknown> };',
    '',
    `export const mockSpec: MockSpec = ${JSON.stringify({ version: spec.info.version, operations, schemas: withoutProse(spec.components.schemas) })};`,
    '',
  ].join('\n');
}
