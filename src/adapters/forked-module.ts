/**
 * Starts a module beside the caller as a Node child process with an IPC channel (structured
 * clone, so Dates survive), stdout ignored and stderr piped for the caller's log. Run from the
 * TypeScript sources (tests, a fresh checkout through bin/ripcord.js), the child loads tsx too;
 * from dist/ it is plain `node file.js`. Nothing goes in argv or the environment: whatever the
 * child needs (the configuration, secrets included) is sent as its first message.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** @param besideUrl the caller's `import.meta.url`; @param path the module, relative to it, without extension. */
export function forkModule(besideUrl: string, path: string): ChildProcess {
  const source = besideUrl.endsWith('.ts');
  const entry = fileURLToPath(new URL(`${path}.${source ? 'ts' : 'js'}`, besideUrl));
  // A profiled Ripcord (`node --cpu-prof …`, bench/ack) profiles its children too.
  const profiling = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
  const execArgv = [...profiling, ...(source ? ['--import', import.meta.resolve('tsx')] : [])];
  return fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
}
