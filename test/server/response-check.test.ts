/**
 * The server's own response check (on outside production): an answer is checked against the schema of the status it
 * has, else of its class (`4XX`), else `default`; a body that breaks that schema is reported.
 */
import { describe, expect, it } from 'vitest';
import { createSpecValidator } from '../../src/http/spec-validator.js';
import { loadSpec } from '../../src/spec/operations.js';

const validator = await createSpecValidator(loadSpec());
const refusal = { statusCode: 401, error: 'Unauthorized', code: 'MISSING_TOKEN', message: 'Authentication token required' };
const unavailable = { statusCode: 503, error: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' };
const problems = (operationId: string, status: number, body: unknown) =>
  validator.validateResponse(operationId, status, body).map((issue) => `${issue.instancePath} ${issue.message}`);

describe("the server's response check", () => {
  it('passes a body that keeps the schema of its status, and names what breaks it', () => {
    expect(problems('users.get', 401, refusal)).toEqual([]);
    expect(problems('users.get', 401, { ...refusal, code: 'NOT_A_CODE' }).join('\n')).toMatch(/\/code/);
    expect(problems('users.get', 401, { statusCode: 401 }).join('\n')).toMatch(/must have required property 'message'/);
  });

  it('checks a status the operation does not list (503) against its default response', () => {
    expect(problems('users.get', 503, unavailable)).toEqual([]);
    expect(problems('users.get', 503, { ...unavailable, code: 'MISSING_TOKEN' })).not.toEqual([]);
    expect(problems('users.get', 503, 'unavailable')).not.toEqual([]);
  });

  it('checks a success body against the operation’s own schema', () => {
    expect(problems('users.get', 200, { statusCode: 200, message: 'x', data: { id: 'not an id' } })).not.toEqual([]);
  });
});
