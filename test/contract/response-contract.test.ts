import { describe, expect, it } from 'vitest';
import { contractProblems, operationFor } from '../support/response-contract.js';

const usersGet = operationFor('GET', '/api/v1/users/507f1f77bcf86cd799439011')!;
const user = {
  id: '507f1f77bcf86cd799439011',
  username: 'john_doe',
  alias: 'John',
  email: 'john@example.com',
  is_admin: false,
  is_banned: false,
  metadata: {},
  created_at: '2024-12-01T10:00:00.000Z',
  updated_at: '2024-12-01T10:00:00.000Z',
};

describe('the independent response check', () => {
  it('finds the operation of a concrete request, static paths first', () => {
    expect(usersGet.operationId).toBe('users.get');
    expect(operationFor('GET', '/api/v1/auth/tokens/me')?.operationId).toBe('authTokens.getCurrent');
    expect(operationFor('GET', '/api/v1/auth/tokens/507f1f77bcf86cd799439011')?.operationId).toBe('authTokens.get');
    expect(operationFor('PUT', '/api/v1/users/507f1f77bcf86cd799439011')).toBeUndefined();
  });

  it('accepts a documented answer and refuses an undocumented status, a wrong content type, a wrong body and an unlisted code', () => {
    expect(contractProblems(usersGet, 200, 'application/json', { statusCode: 200, message: 'ok', data: user })).toEqual([]);
    expect(contractProblems(usersGet, 409, 'application/json', {})).toEqual(['users.get: status 409 is not documented']);
    expect(contractProblems(usersGet, 200, 'text/html', {})[0]).toContain('content type');
    expect(contractProblems(usersGet, 200, 'application/json', { statusCode: 200, message: 'ok', data: { ...user, email: 'nope' } })[0]).toContain(
      '/data/email',
    );
    expect(contractProblems(usersGet, 404, 'application/json', { statusCode: 404, error: 'Not Found', code: 'TOKEN_NOT_FOUND', message: 'x' })).not.toEqual([]);
    expect(
      contractProblems(usersGet, 503, 'application/json', { statusCode: 503, error: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE', message: 'x' }),
    ).toEqual([]);
  });
});
