/**
 * Request and response validation with openapi-backend, configured for OpenAPI 3.1: Ajv's 2020-12 dialect with
 * formats and the spec's own keywords (src/spec/ajv.ts) through `customizeAjv`, strict, every validator compiled once
 * at start. Its 3.0 document check is skipped (it rejects 3.1 `type` arrays; Redocly lints the spec instead).
 * Requests are validated against the operation the HTTP router already matched, so openapi-backend's own
 * per-request route matching never runs.
 */
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';
import type { Options } from 'ajv';
import { createAjv } from '../spec/ajv.js';
import type { OpenApiDocument } from '../spec/operations.js';
import type { SpecValidator, ValidationIssue } from '../pipeline/types.js';

class SpecBackend extends OpenAPIBackend {
  /** Redocly lints the spec; openapi-backend's checker only knows 3.0. */
  override validateDefinition() {
    return this.document;
  }
}

export async function createSpecValidator(spec: OpenApiDocument): Promise<SpecValidator> {
  const backend = new SpecBackend({
    // openapi-backend dereferences in place; give it its own copy.
    definition: structuredClone(spec) as unknown as Document,
    strict: true,
    quick: false,
    validate: true,
    coerceTypes: true,
    ignoreTrailingSlashes: false,
    customizeAjv: (_original, ajvOptions) => createAjv({ ...(ajvOptions as Options), strict: true, strictTypes: false }) as never,
  });
  await backend.init();
  const operations = new Map<string, Operation>(backend.getOperations().map((operation) => [operation.operationId!, operation]));

  return {
    validateRequest(operationId, request) {
      const operation = operations.get(operationId)!;
      const result = backend.validateRequest(
        { method: request.method, path: request.path, query: request.rawQuery, headers: request.headers as Record<string, string>, body: request.body },
        operation,
      );
      if (!result.valid) return { valid: false, issues: (result.errors ?? []) as ValidationIssue[] };
      return { valid: true, params: (result.coerced.params ?? {}) as Record<string, unknown>, query: (result.coerced.query ?? {}) as Record<string, unknown> };
    },
    validateResponse(operationId, status, body) {
      const result = backend.validateResponse(body, operations.get(operationId)!, status);
      return (result.errors ?? []) as ValidationIssue[];
    },
  };
}
