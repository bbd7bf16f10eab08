/**
 * The server tells a client which contract it keeps and which operations are on their way out: `X-Spec-Version`
 * (the spec's info.version) on every answer, and for an operation the spec deprecates, `Deprecation: true` and a
 * log line (at most one a minute per operation).
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { handlers } from '../../src/handlers/index.js';
import { createLogger } from '../../src/log.js';
import { sessionKey, signSessionJwt } from '../../src/auth/session-jwt.js';
import { loadSpec } from '../../src/spec/operations.js';
import { demoData, DEMO_USERS } from '../../src/store/demo-data.js';
import { MemoryStore } from '../../src/store/memory/index.js';

const SECRET = 'contract-version-test-secret-0123456789';

describe('contract version and deprecation', () => {
  it('every answer carries X-Spec-Version; a deprecated operation answers Deprecation: true and is logged once a minute', async () => {
    const spec = loadSpec();
    spec.paths['/api/v1/users/{id}']!.get.deprecated = true;
    const store = new MemoryStore();
    await store.seed(demoData());
    const lines: string[] = [];
    const app = await createApp({
      spec,
      store,
      handlers,
      config: {
        jwtSecret: SECRET,
        trustProxyHops: 0,
        validateResponses: true,
        corsOrigins: [],
        rateLimits: { perCredential: 1000, perIp: 1000, authFailuresPerIp: 1000, windowSeconds: 60 },
        maxInflightBodyBytes: 1 << 20,
      },
      logger: createLogger('debug', (line) => lines.push(line)),
    });
    const jwt = await signSessionJwt(sessionKey(SECRET), DEMO_USERS.john_doe.id);
    const get = (path: string) => app.request(`http://localhost${path}`, { headers: { authorization: `Bearer ${jwt}` } });
    const answers = [
      await get(`/api/v1/users/${DEMO_USERS.john_doe.id}`),
      await get(`/api/v1/users/${DEMO_USERS.john_doe.id}`),
      await get('/api/v1/realms/'),
      await get('/nowhere'),
    ];
    expect(answers.map((a) => [a.status, a.headers.get('x-spec-version'), a.headers.get('deprecation')])).toEqual([
      [200, spec.info.version, 'true'],
      [200, spec.info.version, 'true'],
      [200, spec.info.version, null],
      [404, spec.info.version, null],
    ]);
    expect(lines.filter((line) => line.includes('deprecated operation called') && line.includes('users.get'))).toHaveLength(1);
  });
});
