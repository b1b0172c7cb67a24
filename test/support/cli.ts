/**
 * Runs the real `ripcord` CLI in a child process, as an operator would, and returns its exit code
 * and output. It always runs the TypeScript sources under test (src/main.ts through tsx), never
 * `bin/ripcord.js`: that prefers a compiled dist/ when one exists, which after any local build is
 * older code than the sources being tested.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The entry point the tests run: the sources, not a build. */
export const RIPCORD_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** tsx's loader, resolved from this repository, so the child finds it whatever its working directory. */
const TSX_LOADER = import.meta.resolve('tsx');

/** The command line that starts the CLI under test with `args`. */
export function ripcordArgv(args: readonly string[]): string[] {
  return [process.execPath, '--import', TSX_LOADER, RIPCORD_MAIN, ...args];
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function startCli(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const [node, ...argv] = ripcordArgv(args);
  const child = spawn(node!, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

export function ripcord(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}
