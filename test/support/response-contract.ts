/**
 * Independent checking of responses against the spec (Ajv 2020 with formats, not the server's own validator): the
 * status must be one the operation documents (or, for 5xx, its `default`), the content type JSON, and the body valid
 * against that status's schema. Used on every response of every in-process server test and of the contract suite.
 */
import { findOperation, listOperations, loadSpec, resolveRef, type SpecOperation } from '../../src/spec/operations.js';
import { createSchemaCompiler } from '../../src/spec/schemas.js';

const spec = loadSpec();
const compiler = createSchemaCompiler(spec);
const operations = listOperations(spec);

/** The spec operation a concrete request is for. */
export const operationFor = (method: string, path: string) => findOperation(operations, method, path);

/** Problems with a response; empty when it keeps the contract. */
export function contractProblems(op: SpecOperation, status: number, contentType: string | null, body: unknown): string[] {
  const responses = op.operation.responses;
  const documented = responses[String(status)] ?? (status >= 500 ? responses.default : undefined);
  if (!documented) return [`${op.operationId}: status ${status} is not documented`];
  const media = resolveRef(spec, documented).content?.['application/json'];
  if (!(contentType ?? '').toLowerCase().startsWith('application/json'))
    return [`${op.operationId} ${status}: content type ${contentType} is not application/json`];
  const validate = compiler.compile(media.schema);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${op.operationId} ${status}: ${e.instancePath || '(root)'} ${e.message}`);
}

export class ContractViolation extends Error {}

/** Checks a response (a clone is read); throws ContractViolation naming every problem. */
export async function assertContract(request: Request, response: Response): Promise<void> {
  const op = operationFor(request.method, new URL(request.url).pathname);
  if (!op) return;
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ContractViolation(`${op.operationId} ${response.status}: body is not JSON: ${text.slice(0, 200)}`);
  }
  const problems = contractProblems(op, response.status, response.headers.get('content-type'), body);
  if (problems.length) throw new ContractViolation(problems.join('\n'));
}
