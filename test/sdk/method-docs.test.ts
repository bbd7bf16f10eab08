/**
 * What an editor shows on `client.api.<group>.<method>`: the operation's summary, and `@deprecated` when the spec
 * deprecates it (so a consumer's editor strikes the call through before the major version removes it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { renderOperationsModule } from '../../scripts/generate-operations.js';
import { loadSpec } from '../../src/spec/operations.js';
import { ROOT } from '../support/cli.js';

/** The JSDoc of `client.api.users.get` as the type checker resolves it. */
function docsOfUsersGet(): { text: string; tags: string[] } {
  const dir = mkdtempSync(join(ROOT, 'test', '.typecheck-'));
  try {
    const file = join(dir, 'probe.ts');
    writeFileSync(file, "import { createHoodyClient } from '@hoody/sdk';\nexport const probe = createHoodyClient({ baseUrl: 'x' }).api.users.get;\n");
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const program = ts.createProgram([file], { ...config.options, noEmit: true });
    const source = program.getSourceFile(file)!;
    let access: ts.PropertyAccessExpression | undefined;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === 'get') access = node;
      ts.forEachChild(node, visit);
    };
    visit(source);
    const symbol = program.getTypeChecker().getSymbolAtLocation(access!.name)!;
    return { text: ts.displayPartsToString(symbol.getDocumentationComment(program.getTypeChecker())), tags: symbol.getJsDocTags().map((tag) => tag.name) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SDK method documentation', () => {
  it("shows the operation's summary on the method", () => {
    expect(docsOfUsersGet().text).toBe('Get a user profile: `GET /api/v1/users/{id}`.');
  });

  it('marks a deprecated operation @deprecated in the generated method table', () => {
    const spec = loadSpec();
    spec.paths['/api/v1/users/{id}']!.get.deprecated = true;
    const module = renderOperationsModule(spec);
    expect(module).toMatch(/\/\*\* Get a user profile: `GET \/api\/v1\/users\/\{id\}`\.\n\s+\* @deprecated [^\n]+\*\/\n\s+get: 'users\.get';/);
  });
});
