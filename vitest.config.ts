import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Lint, bundle and codegen tests spawn CLIs; two cores are all this machine kind has.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
