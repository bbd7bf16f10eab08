/**
 * Request validation with openapi-backend, configured for OpenAPI 3.1: Ajv's 2020-12 dialect with
 * formats and the spec's own keywords (src/spec/ajv.ts) through `customizeAjv`, strict. Its 3.0 document check is
 * skipped (it rejects 3.1 `type` arrays; Redocly lints the spec instead).
 *
 * Validators are compiled lazily (openapi-backend's `quick` mode): compiling all of them took 2-4 s at start, in
 * proportion to the number of operations, before the first request could be answered. An operation's validators
 * are compiled on its first request (tens of milliseconds, once). A background warm-up of all of them was measured
 * and dropped: at 16x the operations it took the event loop for about 18 s after start, and users.get fell from
 * 9k to 0.7k req/s meanwhile.
 *
 * Per request, only openapi-backend's compiled validators run, fed with what the HTTP router already parsed (the
 * matched operation, its path parameters, the query). Its `validateRequest` would also run its own router's
 * `parseRequest` (the path template recompiled, the query deep-cloned, cookies parsed) on every call; see
 * bench/README.md for what that cost.
 */
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';
import type { Options, ValidateFunction } from 'ajv';
import { createAjv } from '../spec/ajv.js';
import { listOperations, resolveRef, type OpenApiDocument } from '../spec/operations.js';
import { createSchemaCompiler } from '../spec/schemas.js';
import type { SpecValidator, ValidationIssue } from '../pipeline/types.js';

/**
 * The server's Ajv instances do not check the spec's schemas against the 2020-12 meta-schema: Redocly's lint and the
 * tests (createSchemaCompiler with Ajv's defaults, over every schema) do. Compiling that meta-schema was most of an
 * operation's first request, once per Ajv, and openapi-backend makes a new Ajv for each operation's parameters,
 * body and responses (users.get's first answer took 185-212 ms, the next ones 3-15 ms).
 */
const SERVER_AJV: Options = { strict: true, validateSchema: false };

class SpecBackend extends OpenAPIBackend {
  /** Redocly lints the spec; openapi-backend's checker only knows 3.0. */
  override validateDefinition() {
    return this.document;
  }
}

/** Bodies larger than this are first validated fail-fast (see below). */
const FAIL_FAST_BODY_BYTES = 64 * 1024;

export async function createSpecValidator(spec: OpenApiDocument): Promise<SpecValidator> {
  const backend = new SpecBackend({
    // openapi-backend dereferences in place; give it its own copy.
    definition: structuredClone(spec) as unknown as Document,
    strict: true,
    quick: true,
    validate: true,
    coerceTypes: true,
    ignoreTrailingSlashes: false,
    customizeAjv: (_original, ajvOptions) => createAjv({ ...(ajvOptions as Options), ...SERVER_AJV }) as never,
  });
  await backend.init();
  const operations = new Map<string, Operation>(backend.getOperations().map((operation) => [operation.operationId!, operation]));

  // openapi-backend caches what it compiles; this map saves its lookup per request.
  const requestValidators = new Map<string, ValidateFunction[]>();
  const requestValidatorsOf = (operationId: string) => {
    let validators = requestValidators.get(operationId);
    if (!validators)
      requestValidators.set(operationId, (validators = (backend.validator.getRequestValidatorsForOperation(operationId) ?? []) as ValidateFunction[]));
    return validators;
  };

  // Ajv with allErrors visits every item of a hostile array (1 MiB of bad realm ids: ~1.5M errors, ~0.7 s) before
  // anyone can cap the list. A large body is first checked by a validator that stops at its first error, compiled
  // on first need; only a body that passes it (a valid one, usually) goes on to the full validation.
  const failFastAjv = createAjv({ ...SERVER_AJV, allErrors: false });
  const failFastBodyValidators = new Map<string, ValidateFunction | undefined>();
  const failFastBody = (operationId: string) => {
    if (!failFastBodyValidators.has(operationId)) {
      const schema = (operations.get(operationId)!.requestBody as { content?: Record<string, { schema?: object }> } | undefined)?.content?.['application/json']
        ?.schema;
      failFastBodyValidators.set(operationId, schema ? failFastAjv.compile(schema) : undefined);
    }
    return failFastBodyValidators.get(operationId);
  };

  // Responses (checked outside production) are validated against the spec as written, its components compiled once
  // and shared by $id (src/spec/schemas.ts), and only for the status answered. openapi-backend compiles every status
  // of an operation at its first answer, each with the shared schemas inlined, in an Ajv of its own: about 100 ms of
  // `npm start`'s first answer (a 401), most of which this saves.
  let responseSchemas: ReturnType<typeof createSchemaCompiler> | undefined;
  let responsesById: Map<string, Record<string, unknown>> | undefined;
  const responseValidator = (operationId: string, status: number): ValidateFunction | undefined => {
    responsesById ??= new Map(listOperations(spec).map((op) => [op.operationId, op.operation.responses ?? {}]));
    const responses = responsesById.get(operationId)!;
    // The status, its class (`4XX`), else `default`: the order OpenAPI gives, as openapi-backend matched it.
    const documented = responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses.default;
    const schema = resolveRef(spec, documented)?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    responseSchemas ??= createSchemaCompiler(spec, SERVER_AJV);
    return responseSchemas.compile(schema);
  };

  return {
    validateRequest(operationId, request) {
      // The shape openapi-backend's compiled validators expect; the params validator coerces path and query values
      // in place (`limit=10` becomes 10).
      if (request.body !== undefined && request.bodyBytes > FAIL_FAST_BODY_BYTES) {
        const validate = failFastBody(operationId);
        if (validate && !validate(request.body)) {
          return {
            valid: false,
            issues: (validate.errors ?? []).map((error) => ({ ...error, instancePath: `/requestBody${error.instancePath}` }) as ValidationIssue),
          };
        }
      }
      const parameters: Record<string, unknown> = { path: { ...request.params }, query: parseQuery(request.rawQuery), header: request.headers, cookie: {} };
      if (request.body !== undefined) parameters.requestBody = request.body;
      const issues: ValidationIssue[] = [];
      for (const validate of requestValidatorsOf(operationId)) {
        // One at a time: spreading tens of thousands of errors into push() overflows the stack.
        if (!validate(parameters)) for (const error of validate.errors ?? []) issues.push(error as ValidationIssue);
      }
      if (issues.length) return { valid: false, issues };
      return { valid: true, params: parameters.path as Record<string, unknown>, query: parameters.query as Record<string, unknown> };
    },
    validateResponse(operationId, status, body) {
      const validate = responseValidator(operationId, status);
      if (!validate || validate(body)) return [];
      return (validate.errors ?? []) as ValidationIssue[];
    },
  };
}

/** `a=1&b=2&b=3` -> `{ a: '1', b: ['2', '3'] }` (a repeated name becomes an array, which the schemas refuse). */
function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (!rawQuery) return query;
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const previous = query[name];
    query[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return query;
}
