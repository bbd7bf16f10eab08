import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec, resolveRef } from '../../src/spec/operations.js';

const spec = loadSpec();
const operations = listOperations(spec);

/** The 23 operations of the seed pages, and nothing else. */
const EXPECTED = [
  'GET /api/v1/users/{id} users.get',
  'PATCH /api/v1/users/{id} users.update',
  'POST /api/v1/users/me/retry-setup users.retrySetup',
  'GET /api/v1/users/auth/activity activity.list',
  'GET /api/v1/users/auth/activity/stats activity.getStats',
  'GET /api/v1/vault/keys vault.list',
  'GET /api/v1/vault/keys/{key} vault.get',
  'PATCH /api/v1/vault/keys/{key} vault.set',
  'DELETE /api/v1/vault/keys/{key} vault.delete',
  'GET /api/v1/vault/stats vault.getStats',
  'DELETE /api/v1/vault vault.clear',
  'GET /api/v1/realms/ realms.list',
  'GET /api/v1/auth/tokens authTokens.list',
  'POST /api/v1/auth/tokens authTokens.create',
  'GET /api/v1/auth/tokens/me authTokens.getCurrent',
  'PATCH /api/v1/auth/tokens/me/public-profile authTokens.updatePublicProfile',
  'GET /api/v1/auth/tokens/public-profiles/{public_key} authTokens.getPublicProfile',
  'GET /api/v1/auth/tokens/{id} authTokens.get',
  'PATCH /api/v1/auth/tokens/{id} authTokens.update',
  'DELETE /api/v1/auth/tokens/{id} authTokens.delete',
  'POST /api/v1/auth/tokens/{id}/add-realm authTokens.addRealm',
  'POST /api/v1/auth/tokens/{id}/copy authTokens.copy',
  'POST /api/v1/auth/tokens/{id}/remove-realm authTokens.removeRealm',
];

describe('the operations', () => {
  it('are exactly the 23 of the seed pages', () => {
    const actual = operations.map((op) => `${op.method} ${op.path} ${op.operationId}`);
    expect(actual.sort()).toEqual([...EXPECTED].sort());
  });

  it.each(operations.map((op) => [op.operationId, op] as const))('%s has a tag, summary, description and x-permission', (_id, op) => {
    const tagNames = spec.tags.map((tag: { name: string }) => tag.name);
    expect(op.operation.tags).toHaveLength(1);
    expect(tagNames).toContain(op.operation.tags[0]);
    expect(op.operation.summary).toBeTruthy();
    expect(op.operation.description?.length).toBeGreaterThan(20);
    expect(op.operation).toHaveProperty('x-permission');
  });

  it.each(operations.map((op) => [op.operationId, op] as const))('%s answers 401 and 403, and 400 for its inputs', (_id, op) => {
    const statuses = Object.keys(op.operation.responses);
    expect(statuses).toEqual(expect.arrayContaining(['400', '401', '403', 'default']));
    const hasPathId = /\{(id|public_key|key)\}/.test(op.path);
    if (hasPathId && op.path.includes('{id}')) expect(codesOf(op.operation.responses['400'])).toContain('INVALID_ID_FORMAT');
    if (op.operation.requestBody) {
      expect(statuses).toContain('413');
      const body = resolveRef(spec, op.operation.requestBody.content['application/json'].schema);
      expect(body.additionalProperties, 'request bodies reject unknown fields').toBe(false);
    }
  });

  it('names permissions that the full_access template grants', () => {
    const fullAccess = spec.components.schemas.PermissionTemplate['x-template-permissions'].full_access;
    for (const op of operations) {
      const permission = op.operation['x-permission'];
      if (permission === null) continue;
      const [resource, action] = permission.split('.');
      expect(fullAccess[resource]?.[action], `${op.operationId} needs ${permission}`).toBe(true);
    }
  });
});

function codesOf(response: object): string[] {
  return resolveRef(spec, response)['x-error-codes'].map((entry: { code: string }) => entry.code);
}
