/**
 * Type-level tests of `Handlers`, checked by `npm run typecheck` and never executed: handlers get typed input and
 * can only answer what the spec documents for their operation.
 */
import type { Handler, Handlers } from '../../src/handlers/types.js';

type Context = { userId: string };
const user = {
  id: '507f1f77bcf86cd799439011',
  username: 'john_doe',
  alias: 'John Doe',
  email: 'john.doe@example.com',
  is_admin: false,
  is_banned: false,
  metadata: {},
  created_at: '2024-12-01T10:00:00.000Z',
  updated_at: '2024-12-01T10:00:00.000Z',
};

export const get: Handler<'users.get', Context> = (input) => {
  input.params.id satisfies string;
  return { status: 200, body: { statusCode: 200, message: 'User retrieved successfully', data: user } };
};

export const update: Handler<'users.update', Context> = (input) => {
  input.body.alias satisfies string | undefined;
  return { status: 403, body: { statusCode: 403, error: 'Forbidden', code: 'CANNOT_BAN_ADMIN', message: 'no' } };
};

// @ts-expect-error 409 is not a documented status of users.get
export const undocumentedStatus: Handler<'users.get', Context> = () => ({ status: 409, body: { statusCode: 409, error: 'Conflict', code: 'X', message: 'x' } });

// @ts-expect-error users.get's 404 cannot carry VAULT_KEY_NOT_FOUND
export const wrongCode: Handler<'users.get', Context> = () => ({
  status: 404,
  body: { statusCode: 404, error: 'Not Found', code: 'VAULT_KEY_NOT_FOUND', message: 'x' },
});

// @ts-expect-error the 200 body must be a user
export const wrongShape: Handler<'users.get', Context> = () => ({ status: 200, body: { statusCode: 200, message: 'ok', data: { id: 1 } } });

export const activity: Handler<'activity.list', Context> = (input) => {
  input.query.limit satisfies number | undefined;
  // @ts-expect-error activity.list has no body
  input.body.anything;
  return { status: 200, body: { statusCode: 200, message: 'ok', data: [], metadata: { total: 0, page: 1, limit: 50, pages: 0 } } };
};

// @ts-expect-error a Handlers map needs every operation
export const incomplete: Handlers<Context> = { 'users.get': get, 'users.update': update };
