import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec, resolveRef } from '../../src/spec/operations.js';
import { seedSections } from '../support/seed-facts.js';

const spec = loadSpec();
const operations = listOperations(spec);

describe('the operations', () => {
  it('include every endpoint of the seed pages', () => {
    const inSpec = new Set(operations.map((op) => `${op.method} ${op.path}`));
    const endpoints = [...new Set([...seedSections('users'), ...seedSections('authTokens'), ...seedSections('realms')].map((s) => `${s.method} ${s.path}`))];
    expect(endpoints).toHaveLength(23);
    expect(endpoints.filter((endpoint) => !inSpec.has(endpoint))).toEqual([]);
  });

  it('are the ones reviewed last (a snapshot: `npx vitest -u` records an intended change)', () => {
    expect(operations.map((op) => `${op.method} ${op.path} ${op.operationId}`).sort()).toMatchSnapshot();
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
