/**
 * Starts a module beside the caller as a Node child process with an IPC channel (structured
 * clone, so Dates survive), stdout ignored and stderr piped for the caller's log. Run from the
 * TypeScript sources (tests, a fresh checkout through bin/ripcord.js), the child loads tsx too;
 * from dist/ it is plain `node file.js`. Nothing goes in argv or the environment: whatever the
 * child needs (the configuration, secrets included) is sent as its first message.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/**
 * @param besideUrl the caller's `import.meta.url`; @param path the module, relative to it, without
 * extension; @param log where the child's stderr goes (a crash before its own logger exists prints
 * only there), as warnings naming `name` and the child's pid.
 */
export function forkModule(besideUrl: string, path: string, log: Pick<Logger, 'warn'>, name: string): ChildProcess {
  const source = besideUrl.endsWith('.ts');
  const entry = fileURLToPath(new URL(`${path}.${source ? 'ts' : 'js'}`, besideUrl));
  // A profiled Ripcord (`node --cpu-prof …`, bench/ack) profiles its children too.
  const profiling = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
  const execArgv = [...profiling, ...(source ? ['--import', import.meta.resolve('tsx')] : [])];
  const child = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => log.warn({ pid: child.pid }, `${name} process: ${text.trim().slice(-2000)}`));
  return child;
}
