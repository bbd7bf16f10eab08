/**
 * Every code a handler can throw is one its operation lists, at the catalogue's status. Read from the source: each
 * handler's body, and (transitively) every top-level helper of src/handlers, src/auth and src/domain it calls, is
 * searched for `apiError('CODE'`. Response validation would catch a wrong code at run time, but only on a path a
 * test happens to take; this reads every throw site.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../generated/error-codes.gen.js';
import { loadSpec } from '../../src/spec/operations.js';
import { lists, readPolicy } from '../../src/spec/policy.js';
import { ROOT } from '../support/cli.js';

const policy = readPolicy(loadSpec());
const DECLARATION = /^(?=(?:export )?(?:const|function|async function|let|class) )/m;
const NAME = /^(?:export )?(?:const|function|async function|let|class) (\w+)/;

const files = ['src/handlers/', 'src/auth/', 'src/domain/'].flatMap((dir) =>
  readdirSync(`${ROOT}${dir}`)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}${f}`),
);
/** Every top-level declaration of those folders: its name, its text, and the handler's operationId if it is one. */
const declarations = files.flatMap((file) =>
  readFileSync(`${ROOT}${file}`, 'utf8')
    .split(DECLARATION)
    .map((text) => ({ file, name: text.match(NAME)?.[1], text, operationId: text.match(/^(?:export )?const \w+: Handler<'([\w.]+)'/)?.[1] }))
    .filter((d) => d.name !== undefined),
);

const thrownDirectly = (text: string) => new Set([...text.matchAll(/apiError\('([A-Z_]+)'/g)].map(([, code]) => code));

/** The names a file imports from the other files read here. */
const importedNames = new Map(
  files.map((file) => [
    file,
    new Set(
      [...readFileSync(`${ROOT}${file}`, 'utf8').matchAll(/^import \{([^}]*)\} from '\.\.?\/(?:auth|domain|handlers)?/gm)].flatMap(([, names]) =>
        names.split(',').map(
          (n) =>
            n
              .trim()
              .replace(/^type /, '')
              .split(' as ')[0],
        ),
      ),
    ),
  ]),
);

/** The declaration a call in `file` reaches: one of its own, or one it imports (method calls are not followed). */
const resolveCall = (file: string, name: string) => declarations.filter((d) => d.name === name && (d.file === file || importedNames.get(file)!.has(name)));

/** The codes a declaration can throw, following its calls to other declarations. */
function codesOf(declaration: (typeof declarations)[number], seen = new Set<object>()): Set<string> {
  const codes = new Set<string>();
  if (seen.has(declaration)) return codes;
  seen.add(declaration);
  for (const code of thrownDirectly(declaration.text)) codes.add(code);
  for (const [, called] of declaration.text.matchAll(/(?<![.\w])(\w+)\(/g)) {
    for (const target of resolveCall(declaration.file, called)) for (const code of codesOf(target, seen)) codes.add(code);
  }
  return codes;
}

const handlers = declarations.filter((d) => d.operationId !== undefined);

describe('codes thrown by handlers', () => {
  it('every operation has its handler here, and the throw sites were found', () => {
    expect(new Set(handlers.map((h) => h.operationId))).toEqual(new Set(policy.operations.keys()));
    expect(handlers.reduce((sum, h) => sum + codesOf(h).size, 0)).toBeGreaterThan(30);
  });

  it.each(handlers.map((h) => [h.operationId!, h] as const))('%s throws only codes it lists', (operationId, handler) => {
    const unlisted = [...codesOf(handler)].filter((code) => !lists(policy.operations.get(operationId)!, ERROR_CODES[code as ErrorCode].status, code));
    expect(unlisted).toEqual([]);
  });

  it('is not vacuous: a code from another operation is caught', () => {
    const usersGet = policy.operations.get('users.get')!;
    expect(lists(usersGet, ERROR_CODES.TOKEN_NOT_FOUND.status, 'TOKEN_NOT_FOUND')).toBe(false);
  });
});
