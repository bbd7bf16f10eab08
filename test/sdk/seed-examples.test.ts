import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEEDS_DIR } from '../support/seeds.js';
import { typecheckSources } from '../support/typecheck.js';

/** The ```typescript blocks of the Users seed page, unchanged. */
const blocks = [...readFileSync(`${SEEDS_DIR}000_6dfa94fd487d42ae.txt`, 'utf8').matchAll(/```typescript\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('the Users seed page', () => {
  it('has its TypeScript examples', () => {
    expect(blocks.length).toBe(11);
  });

  it('type-checks every TypeScript example against the SDK, unchanged apart from creating `client`', () => {
    const prelude = [
      "import { createHoodyClient } from '../../src/sdk/index.js';",
      "const client = createHoodyClient({ baseUrl: 'http://localhost:3000', token: process.env.HOODY_TOKEN });",
    ].join('\n');
    // Each example declares `data` and `error`, so each gets its own function scope.
    const body = blocks.map((block, index) => `export async function example${index}() {\n${block}\nreturn [data, error];\n}`).join('\n\n');
    expect(typecheckSources({ 'users-page-examples.ts': `${prelude}\n\n${body}\n` })).toEqual([]);
  });

  it('is not vacuous: a wrong call in the same harness fails to type-check', () => {
    const source = [
      "import { createHoodyClient } from '../../src/sdk/index.js';",
      "const client = createHoodyClient({ baseUrl: 'http://localhost:3000' });",
      'export async function wrong() { return client.api.users.get({ id: 42 }); }',
    ].join('\n');
    expect(typecheckSources({ 'wrong.ts': source }).length).toBeGreaterThan(0);
  });
});
