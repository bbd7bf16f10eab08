import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/passwords.js';
import { demoData, DEMO_USERS } from '../../src/store/demo-data.js';

describe('demo data', () => {
  it.each(Object.entries(DEMO_USERS))('%s: the precomputed hash verifies the documented password, and only it', async (username, demo) => {
    const user = demoData().users.find((u) => u.username === username)!;
    expect(user.id).toBe(demo.id);
    expect(await verifyPassword(demo.password, user.password_hash)).toBe(true);
    expect(await verifyPassword(`${demo.password}x`, user.password_hash)).toBe(false);
  });

  it('has the roles of api-decisions.md section 8', () => {
    const byName = Object.fromEntries(demoData().users.map((u) => [u.username, u]));
    expect(byName.admin.is_admin).toBe(true);
    expect(byName.banned_bob.is_banned).toBe(true);
    expect(byName.otp_olivia.totp_secret).toBe('JBSWY3DPEHPK3PXP');
    expect(byName.john_doe).toMatchObject({ alias: 'John Doe', email: 'john.doe@example.com', is_admin: false });
  });
});
