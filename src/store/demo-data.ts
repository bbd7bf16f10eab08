/**
 * The demo data of api-decisions.md section 8: the in-memory store's default and `--seed demo` on PostgreSQL.
 * The password hashes are precomputed scrypt hashes of the documented demo passwords (hashing five passwords at
 * OWASP's parameters would add about two seconds to every start); test/server/demo-data.test.ts checks that each
 * verifies its password.
 */
import type { SeedData, UserRecord } from './types.js';

export const DEMO_USERS = {
  admin: { id: '6650a1b2c3d4e5f6a7b8c901', password: 'Admin-Passw0rd-2024' },
  john_doe: { id: '507f1f77bcf86cd799439011', password: 'Correct-Horse-Battery-9' },
  jane_roe: { id: '6650a1b2c3d4e5f6a7b8c902', password: 'Jane-Roe-Passw0rd' },
  banned_bob: { id: '6650a1b2c3d4e5f6a7b8c903', password: 'Banned-Bob-Passw0rd' },
  otp_olivia: { id: '6650a1b2c3d4e5f6a7b8c904', password: 'Otp-Olivia-Passw0rd', totpSecret: 'JBSWY3DPEHPK3PXP' },
} as const;

export const DEMO_REALMS = ['507f1f77bcf86cd799439012', '507f1f77bcf86cd799439013'] as const;

const created = '2024-12-01T10:00:00.000Z';

function user(username: keyof typeof DEMO_USERS, fields: Partial<UserRecord> & Pick<UserRecord, 'alias' | 'password_hash'>): UserRecord {
  return {
    id: DEMO_USERS[username].id,
    username,
    email: `${username.replace('_', '.')}@example.com`,
    public_key: null,
    is_admin: false,
    is_banned: false,
    metadata: {},
    totp_secret: null,
    created_at: created,
    updated_at: created,
    ...fields,
  };
}

export function demoData(): SeedData {
  const john = DEMO_USERS.john_doe.id;
  const [realmA, realmB] = DEMO_REALMS;
  return {
    users: [
      user('admin', {
        alias: 'Administrator',
        is_admin: true,
        password_hash: 'scrypt$131072$8$1$apvZ0EeZtu9ApYwqOQR60A$B96E0VtYRiR_RznFguVGoKCl5p86oTZEzGtJI_27Q44',
      }),
      user('john_doe', { alias: 'John Doe', password_hash: 'scrypt$131072$8$1$J2jEv62Ywcm-opsDoJAM5Q$-wWUX5wvgxirj41wb-Yxw2JUToqy4zKBqdP8Mmst1gQ' }),
      user('jane_roe', { alias: 'Jane Roe', password_hash: 'scrypt$131072$8$1$-ZmgYVNt8gwPCccF2PY4Sg$QhVPoC8akqT5qPDIhBYi9VTstHduUUivStLeNxTbj-0' }),
      user('banned_bob', {
        alias: 'Banned Bob',
        is_banned: true,
        password_hash: 'scrypt$131072$8$1$PjtyjJiY9YHOKVXX0LStYg$MpGF9ZCVOhBbIjYNtfggjIt-FRmx01MFh5FJxd7bJgw',
      }),
      user('otp_olivia', {
        alias: 'Olivia',
        totp_secret: DEMO_USERS.otp_olivia.totpSecret,
        password_hash: 'scrypt$131072$8$1$8Qlr6hlGx6E07PIjpROHaQ$C02_fWxlIPkQ6CE_HIJHDgIw8WBSzb7CW6vnmGbd_ws',
      }),
    ],
    // John's resources in two realms, so the Realms list has something to show.
    servers: [
      {
        id: '6650c0000000000000000001',
        user_id: john,
        name: 'pool-eu-1',
        region: 'eu-central-1',
        tier: 'free',
        status: 'active',
        realm_id: realmA,
        created_at: created,
      },
    ],
    projects: [
      { id: '6650c0000000000000000002', user_id: john, name: 'Website', is_default: false, realm_id: realmA, created_at: created },
      { id: '6650c0000000000000000003', user_id: john, name: 'Shop', is_default: false, realm_id: realmB, created_at: created },
    ],
    containers: [
      {
        id: '6650c0000000000000000004',
        user_id: john,
        name: 'web',
        project_id: '6650c0000000000000000002',
        server_id: '6650c0000000000000000001',
        realm_id: realmA,
        status: 'running',
        created_at: created,
      },
    ],
  };
}
