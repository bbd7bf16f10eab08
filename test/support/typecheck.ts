/** Type-checks TypeScript source text against the project (its tsconfig, the SDK), with the compiler's API. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './cli.js';

/** Writes the sources next to the project (so imports resolve) and answers each file's diagnostics as text. */
export function typecheckSources(sources: Record<string, string>): string[] {
  const dir = mkdtempSync(join(ROOT, 'test', '.typecheck-'));
  try {
    return diagnose(dir, sources);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function diagnose(dir: string, sources: Record<string, string>): string[] {
  const files = Object.entries(sources).map(([name, text]) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  });
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName));
  return diagnostics.map((d) => `${d.file!.fileName.slice(dir.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
