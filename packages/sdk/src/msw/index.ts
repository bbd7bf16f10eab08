/**
 * `@hoody/sdk/msw`: MSW request handlers for every operation of the spec, for unit tests (msw/node) and for the
 * browser (msw's service worker). Each answers the spec's own examples, with the documented headers:
 *
 *   import { setupServer } from 'msw/node';
 *   import { hoodyHandlers, hoodyScenario } from '@hoody/sdk/msw';
 *   const server = setupServer(...hoodyHandlers({ baseUrl: 'http://localhost:3000' }));
 *   server.use(hoodyScenario('users.get', { example: 'USER_NOT_FOUND' }));   // one test's scenario
 *
 * The scenario of a call is, first to last: its `Prefer` header (`example=USER_NOT_FOUND`, `code=404`, as against
 * `npm run mock`), the handler's scenario, the success example. Every request is checked against the spec first
 * (parameters, body, a credential), so a wrong call answers the error the server would give and is reported.
 * Needs `msw` (2.x) and `ajv` + `ajv-formats`, which are optional peer dependencies of the package.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { mockSpec } from '../../../../generated/mock-spec.gen.js';
import type { OperationId } from '../../../../generated/operations.gen.js';
import { parsePrefer, selectAnswer, type ErrorEnvelope, type Scenario } from './scenarios.js';
import { createRequestValidator, type Problem } from './validate-request.js';

export { matchOperation, parsePrefer, selectAnswer, type Scenario, type Selection } from './scenarios.js';
export { mockSpec, type MockAnswer, type MockOperation } from '../../../../generated/mock-spec.gen.js';

export type HoodyHandlersOptions = {
  /** The API's base URL the app calls; by default any origin matches. */
  baseUrl?: string | undefined;
  /** A scenario per operation, e.g. `{ 'users.get': { example: 'USER_NOT_FOUND' } }`. */
  scenarios?: Partial<Record<OperationId, Scenario>> | undefined;
  /** Check requests against the spec (default true). */
  validate?: boolean | undefined;
  /** Told of every request the spec refuses; by default `console.error`, so the wrong call shows in the test output. */
  onInvalidRequest?: ((operationId: OperationId, problems: Problem[], request: Request) => void) | undefined;
};

let validator: ReturnType<typeof createRequestValidator> | undefined;

/** One handler per operation. */
export function hoodyHandlers(options: HoodyHandlersOptions = {}): HttpHandler[] {
  // MSW answers with the first handler that matches, so literal paths go before templates (`/auth/tokens/me`
  // before `/auth/tokens/:id`).
  const templated = (id: OperationId) => (mockSpec.operations[id]!.path.match(/\{/g) ?? []).length;
  return (Object.keys(mockSpec.operations) as OperationId[])
    .sort((a, b) => templated(a) - templated(b))
    .map((operationId) => hoodyScenario(operationId, options.scenarios?.[operationId] ?? {}, options));
}

/** The handler of one operation answering one scenario, to put in front with `server.use(...)` in a single test. */
export function hoodyScenario(operationId: OperationId, scenario: Scenario, options: Omit<HoodyHandlersOptions, 'scenarios'> = {}): HttpHandler {
  const operation = mockSpec.operations[operationId];
  if (!operation) throw new Error(`${operationId} is not an operation of the spec`);
  const path = `${options.baseUrl?.replace(/\/$/, '') ?? '*'}${operation.path.replace(/\{([^}]+)\}/g, ':$1')}`;
  const method = operation.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'put';
  const report = options.onInvalidRequest ?? ((id, problems) => console.error(`@hoody/sdk/msw: ${id} was called in a way the spec refuses:`, problems));

  return http[method](path, async ({ request, params }) => {
    const answerWith = (status: number, body: unknown, headers: Record<string, string> = {}) => HttpResponse.json(body as object, { status, headers });
    const refuse = (envelope: ErrorEnvelope) => answerWith(envelope.statusCode, envelope, { 'Access-Control-Allow-Origin': '*' });

    if (options.validate !== false) {
      validator ??= createRequestValidator(mockSpec.schemas);
      const url = new URL(request.url);
      const problems = validator(operation, params as Record<string, string>, url.searchParams, await request.clone().text());
      if (!request.headers.get('authorization')) problems.push({ field: 'header.authorization', message: 'is required (a Bearer credential)' });
      if (problems.length > 0) {
        report(operationId, problems, request);
        const missingCredential = problems.length === 1 && problems[0]!.field === 'header.authorization';
        const documented = operation.answers.find((a) => a.name === (missingCredential ? 'MISSING_TOKEN' : 'VALIDATION_ERROR'));
        const body = documented?.body as ErrorEnvelope | undefined;
        return refuse({
          ...(body ?? { statusCode: 400, error: 'Bad Request', code: 'VALIDATION_ERROR', message: 'Invalid request' }),
          ...(missingCredential ? {} : { details: problems.slice(0, 100) }),
        });
      }
    }
    const prefer = parsePrefer(request.headers.get('prefer'));
    const chosen = prefer.status !== undefined || prefer.example !== undefined ? prefer : scenario;
    const selection = selectAnswer(operationId, operation, chosen);
    if (selection.refusal) return refuse(selection.refusal);
    return answerWith(selection.answer.status, structuredClone(selection.answer.body), selection.answer.headers);
  });
}
