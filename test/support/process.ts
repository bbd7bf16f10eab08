/**
 * Starts the server as `npm start` runs it (node on the bundle test/support/global-setup.ts built from src/main.ts) as
 * a real process on a free port of 127.0.0.1, for tests whose subject is the network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './cli.js';

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  output: () => string;
  /**
   * The output once it matches `pattern`, or as it is after `timeoutMs` (bounded). A line the server logs while
   * answering may reach this process after the answer does.
   */
  outputMatching: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  stop: () => Promise<number | null>;
};

export function spawnServer(env: Record<string, string | undefined>, args: string[] = []): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--enable-source-maps', `${ROOT}dist/server/main.mjs`, ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

/** Spawns the server and waits (bounded) until it listens and, with the demo data, has printed its JWTs. */
export async function startServerProcess(env: Record<string, string | undefined> = {}, timeoutMs = 30_000, args: string[] = []): Promise<ServerProcess> {
  const { child, output } = spawnServer(env, args);
  const ready = () => /"msg":"listening"/.test(output()) && (env.STORE === 'postgres' && env.SEED !== 'demo' ? true : output().includes('Try: curl'));
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = output().match(/"msg":"listening","url":"([^"]+)"/)![1];
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    // 'close', not 'exit': its output is all read by then (a test may look for its last lines).
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  };
  const outputMatching = async (pattern: RegExp, timeoutMs = 5_000) => {
    const until = Date.now() + timeoutMs;
    while (!pattern.test(output()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    return output();
  };
  return { child, url, output, outputMatching, stop };
}
