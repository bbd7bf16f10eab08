/** The store contract, users: reads and updates, OTP steps, provisioning. */
import { expect, it } from 'vitest';
import { DEMO_USERS } from '../../../src/store/demo-data.js';
import { jane, john, T0, id, type FreshStore } from './fixtures.js';

export function usersContract(name: string, fresh: FreshStore) {
  it('users: reads, updates, refuses a banned admin and a stale password hash, changing nothing', async () => {
    const store = await fresh();
    expect((await store.getUser(john))?.username).toBe('john_doe');
    expect(await store.getUser('6650ffffffffffffffffffff')).toBeUndefined();
    expect(await store.updateUser(jane, { alias: 'J', metadata: { a: 1 } }, T0)).toMatchObject({ alias: 'J', metadata: { a: 1 }, updated_at: T0 });
    expect(await store.updateUser(DEMO_USERS.admin.id, { is_banned: true }, T0)).toBe('CANNOT_BAN_ADMIN');
    expect(await store.updateUser(jane, { is_admin: true, is_banned: true }, T0)).toBe('CANNOT_BAN_ADMIN');
    expect(await store.getUser(jane)).toMatchObject({ is_admin: false, is_banned: false });
    expect(await store.updateUser(jane, { password_hash: 'new' }, T0, { expectedPasswordHash: 'stale' })).toBe('PASSWORD_CHANGED');
    expect(await store.updateUser('6650ffffffffffffffffffff', { alias: 'x' }, T0)).toBeUndefined();
  });

  it('users: what an update was handed is not shared with the store, and what the user had before is kept', async () => {
    const store = await fresh();
    const before = await store.getUser(jane);
    const changes = { metadata: { team: { name: 'a' } } };
    await store.updateUser(jane, changes, T0);
    changes.metadata.team.name = 'changed by the caller afterwards';
    const after = await store.getUser(jane);
    expect(after).toMatchObject({ ...before, metadata: { team: { name: 'a' } }, updated_at: T0 });
    // Nor can the record a read answered be changed in the store (the memory store hands out frozen records).
    try {
      (after!.metadata as { team: { name: string } }).team.name = 'changed by a reader';
    } catch {
      // A frozen record refuses the write.
    }
    expect((await store.getUser(jane))?.metadata).toEqual({ team: { name: 'a' } });
  });

  it('OTP steps are accepted once, and never an older one', async () => {
    const store = await fresh();
    const results = await Promise.all(Array.from({ length: 10 }, () => store.consumeOtpStep(jane, 100)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.consumeOtpStep(jane, 99)).toBe(false);
    expect(await store.consumeOtpStep(jane, 101)).toBe(true);
  });

  it('provisioning happens once under 10 concurrent calls', async () => {
    const store = await fresh();
    const make = () => {
      const [s, p, c] = [id(), id(), id()];
      return {
        server: { id: s, user_id: jane, name: 'free', region: 'us-east-1', tier: 'free' as const, status: 'active' as const, realm_id: '', created_at: T0 },
        project: { id: p, user_id: jane, name: 'Default project', is_default: true, realm_id: '', created_at: T0 },
        container: { id: c, user_id: jane, name: 'default', project_id: p, server_id: s, realm_id: '', status: 'running' as const, created_at: T0 },
      };
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => store.provision(jane, make())));
    console.log(`[${name}] provisioning race: ${results.filter((r) => r.created).length} created of 10`);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.provisioning.server.id)).size).toBe(1);
  });
}
