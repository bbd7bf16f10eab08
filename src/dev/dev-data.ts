/**
 * The dev server's data (`npm run dev`): the demo data plus what makes a frontend's screens and pagination real on
 * first start. Every demo user gets two API tokens, vault keys in both demo realms and the global scope, and about
 * 240 activity entries over the last two weeks, of every method and several statuses (five pages at the default
 * limit). Deterministic: the same data at every start and every reset (no randomness but the tokens' secrets).
 */
import { generateApiToken, digestApiToken } from '../auth/api-tokens.js';
import type { PermissionMap } from '../spec/policy.js';
import type { ActivityRecord, Store } from '../store/types.js';
import { DEMO_REALMS, DEMO_USERS, demoData } from '../store/demo-data.js';

const ACTIVITY_PER_USER = 240;
const METHODS: ActivityRecord['method'][] = ['GET', 'GET', 'GET', 'POST', 'PATCH', 'DELETE'];
const STATUSES = [200, 200, 200, 201, 200, 400, 401, 403, 404, 429];
const PATHS = [
  '/api/v1/users/{self}',
  '/api/v1/vault/keys',
  '/api/v1/vault/keys/api-keys',
  '/api/v1/auth/tokens',
  '/api/v1/realms/',
  '/api/v1/users/auth/activity',
];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0', 'hoody-sdk/1.0 node/20', 'curl/8.5.0'];

/** A 24-hex id from a number: stable across starts. */
const idOf = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(24 - prefix.length, '0')}`;

export async function seedDevData(store: Store, templates: Record<string, PermissionMap>, now: Date): Promise<void> {
  await store.seed(demoData());
  const users = Object.entries(DEMO_USERS);
  for (const [index, [username, { id: userId }]] of users.entries()) {
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
    for (const [n, alias] of ['Laptop', 'CI deploys'].entries()) {
      await store.createToken(
        {
          id: idOf('6650d', index * 10 + n + 1),
          user_id: userId,
          token_digest: digestApiToken(generateApiToken()),
          public_key: null,
          public_storage: null,
          ip_whitelist: n === 0 ? [] : ['10.0.0.0/8'],
          realm_ids: n === 0 ? [...DEMO_REALMS] : [DEMO_REALMS[0]],
          allow_no_realm: n === 0,
          permissions: templates[n === 0 ? 'full_access' : 'read_only'] ?? {},
          expires_at: n === 0 ? null : at(-60 * 24 * 90),
          is_enabled: true,
          vault_access: n === 0,
          event_access: true,
          last_used_at: at(30 + n * 600),
          last_used_ip: '203.0.113.7',
          created_at: at(60 * 24 * 20),
          updated_at: at(60 * 24 * 10),
        },
        [alias],
      );
    }
    for (const [realmId, keys] of [
      ['', ['profile', 'settings']],
      [DEMO_REALMS[0], ['api-keys', 'deploy-notes', 'config.json']],
      [DEMO_REALMS[1], ['api-keys', 'shop-secrets']],
    ] as const) {
      for (const [k, key] of keys.entries()) {
        const value = JSON.stringify({ note: `${username}'s ${key}`, realm: realmId || 'global' });
        const metadata = { content_type: 'application/json', version: k + 1 };
        const size = Buffer.byteLength(value) + Buffer.byteLength(JSON.stringify(metadata));
        await store.setVault(
          { user_id: userId, realm_id: realmId, key, value, metadata, size_bytes: size, created_at: at(60 * 24 * (k + 3)), updated_at: at(60 * (k + 1)) },
          Infinity,
        );
      }
    }
    for (let n = 0; n < ACTIVITY_PER_USER; n += 1) {
      await store.appendActivity({
        id: idOf('6650e', index * 1000 + n + 1),
        user_id: userId,
        realm_id: ['', DEMO_REALMS[0], DEMO_REALMS[1]][n % 3]!,
        method: METHODS[n % METHODS.length]!,
        path: PATHS[n % PATHS.length]!.replace('{self}', userId),
        status_code: STATUSES[(n * 7) % STATUSES.length]!,
        ip_address: n % 5 === 0 ? '2001:db8::7' : '203.0.113.7',
        user_agent: AGENTS[n % AGENTS.length]!,
        // Spread over 14 days, oldest first, so the newest-first list pages through two weeks.
        created_at: at(((ACTIVITY_PER_USER - n) * 14 * 24 * 60) / ACTIVITY_PER_USER),
      });
    }
  }
}
