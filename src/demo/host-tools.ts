/** Small helpers the demo sandbox needs: run a program or fail with its output, free ports, polling. */
import { createServer } from 'node:net';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../adapters/process-runner.js';
import { ExitCode, RipcordError } from '../domain/errors.js';

/**
 * The command that provisions this machine for the demo: scripts/provision.sh ships in the package,
 * so an installed `ripcord` names it by its full path, a checkout by the path its README uses.
 */
export function provisionCommand(cwd = process.cwd()): string {
  const script = fileURLToPath(new URL('../../scripts/provision.sh', import.meta.url));
  const shown = relative(cwd, script);
  return `bash ${shown === 'scripts/provision.sh' ? shown : script}`;
}

/** Runs argv; anything but exit 0 is an error naming the command and the tail of its output. */
export async function must(argv: readonly string[], cwd: string, timeoutMs = 120_000): Promise<string> {
  const r = await runCommand({ argv, cwd, timeoutMs });
  if (r.exitCode === 0) return r.stdout;
  const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-8).join('\n');
  throw new RipcordError('unavailable', `\`${argv.join(' ')}\` ${r.timedOut ? 'timed out' : `exited ${r.exitCode}`}:\n${tail}`,
    `run \`${provisionCommand()}\` (Docker, compose, base images), then \`ripcord demo --clean\` and \`ripcord demo\` again`, ExitCode.failed);
}

/** A port nothing listens on right now, chosen by the kernel, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new RipcordError('unavailable', `timed out after ${timeoutMs / 1000} s waiting for ${what}`,
    'look at `docker ps -a` and the container logs, then `ripcord demo --clean`', ExitCode.failed);
}

/** The body of GET url, or null when nothing answers. */
export async function httpText(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok ? (await res.text()).trim() : null;
  } catch {
    return null;
  }
}
