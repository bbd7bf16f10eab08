import { defaultServerConditions } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// The server's API and security tests run twice: on the in-memory store, and on PostgreSQL when DATABASE_URL is set (always in
// CI: .ci/run sets it). Tests that are about one store or none run once.
const onPostgres = Boolean(process.env.DATABASE_URL);
const postgresProject: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'postgres',
    include: ['test/server/**/*.test.ts', 'test/security/**/*.test.ts'],
    exclude: ['test/server/process.test.ts', 'test/server/demo-data.test.ts', 'test/security/network-refusals.test.ts', 'test/security/quota-memory.test.ts'],
    env: { TEST_STORE: 'postgres' },
  },
};

export default defineConfig({
  // `@hoody/sdk` resolves to its TypeScript source in this repository (the package's `@hoody/source` condition), so
  // the tests never run a stale build; the packed build is tested from a separate project (test/sdk/package.test.ts).
  ssr: { resolve: { conditions: ['@hoody/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@hoody/source', ...defaultServerConditions] },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // Lint, bundle and codegen tests spawn CLIs; two cores are all this machine kind has.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [{ extends: true, test: { name: 'memory', include: ['test/**/*.test.ts'] } }, ...(onPostgres ? [postgresProject] : [])],
  },
});
