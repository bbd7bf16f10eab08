/** users.get, users.update, users.retrySetup */
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { newId } from '../domain/ids.js';
import { apiError } from '../errors.js';
import type { UserChanges } from '../store/types.js';
import type { HandlerContext } from './context.js';
import { presentUser } from './present.js';
import type { Handler } from './types.js';

export const get: Handler<'users.get', HandlerContext> = async ({ params }, { store, caller }) => {
  const self = caller.user;
  if (!self.is_admin && params.id !== self.id) throw apiError('INSUFFICIENT_PERMISSIONS');
  const user = params.id === self.id ? self : await store.getUser(params.id);
  if (!user) throw apiError('USER_NOT_FOUND');
  return { status: 200, body: { statusCode: 200, message: 'User retrieved successfully', data: presentUser(user) } };
};

export const update: Handler<'users.update', HandlerContext> = async ({ params, body }, { store, caller, now }) => {
  const self = caller.user;
  if (!self.is_admin && params.id !== self.id) throw apiError('CANNOT_MODIFY_OTHER_USER');
  if (!self.is_admin && (body.is_admin !== undefined || body.is_banned !== undefined)) {
    throw apiError('INSUFFICIENT_PERMISSIONS', { message: 'Only admins may set is_admin or is_banned' });
  }
  const target = params.id === self.id ? self : await store.getUser(params.id);
  if (!target) throw apiError('USER_NOT_FOUND');

  const changes: UserChanges = {};
  if (body.alias !== undefined) changes.alias = body.alias;
  if (body.public_key !== undefined) changes.public_key = body.public_key.toLowerCase();
  if (body.metadata !== undefined) changes.metadata = body.metadata;
  if (body.is_admin !== undefined) changes.is_admin = body.is_admin;
  if (body.is_banned !== undefined) changes.is_banned = body.is_banned;
  let expectedPasswordHash: string | undefined;
  if (body.password !== undefined) {
    // Admins resetting someone else's password need no current password; everyone changing their own does.
    if (target.id === self.id || !self.is_admin) {
      if (body.current_password === undefined) throw apiError('CURRENT_PASSWORD_REQUIRED');
      if (!(await verifyPassword(body.current_password, target.password_hash))) throw apiError('CURRENT_PASSWORD_INCORRECT');
    }
    changes.password_hash = await hashPassword(body.password);
    expectedPasswordHash = target.password_hash;
  }

  const result = await store.updateUser(target.id, changes, now.toISOString(), { expectedPasswordHash });
  if (result === undefined) throw apiError('USER_NOT_FOUND');
  if (result === 'CANNOT_BAN_ADMIN') throw apiError('CANNOT_BAN_ADMIN');
  if (result === 'PASSWORD_CHANGED') throw apiError('CURRENT_PASSWORD_INCORRECT');
  return { status: 200, body: { statusCode: 200, message: 'User updated successfully', data: presentUser(result) } };
};

export const retrySetup: Handler<'users.retrySetup', HandlerContext> = async ({ body }, { store, caller, now }) => {
  const userId = caller.user.id;
  const region = body?.region ?? 'us-east-1';
  const at = now.toISOString();
  const serverId = newId(now.getTime());
  const projectId = newId(now.getTime());
  const { provisioning, created } = await store.provision(userId, {
    server: { id: serverId, user_id: userId, name: `free-${region}`, region, tier: 'free', status: 'active', realm_id: '', created_at: at },
    project: { id: projectId, user_id: userId, name: 'Default project', is_default: true, realm_id: '', created_at: at },
    container: {
      id: newId(now.getTime()),
      user_id: userId,
      name: 'default',
      project_id: projectId,
      server_id: serverId,
      realm_id: '',
      status: 'running',
      created_at: at,
    },
  });
  const { user_id: _s, ...server } = provisioning.server;
  const { user_id: _p, ...project } = provisioning.project;
  const { user_id: _c, ...container } = provisioning.container;
  return {
    status: 200,
    body: {
      statusCode: 200,
      message: created ? 'Account setup completed successfully' : 'Account already set up',
      data: { server, project, container, already_provisioned: !created },
    },
  };
};
