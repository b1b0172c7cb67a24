/**
 * The one place Ripcord starts external programs. Commands are argv arrays built elsewhere as data
 * (DESIGN.md "Commands as data"); nothing here goes through a shell, so no argument is ever parsed
 * as shell syntax.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

export interface Command {
  /** argv[0] is the program; the rest are passed verbatim. */
  argv: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Kill the process (SIGTERM, then SIGKILL after 5 s) when it runs longer than this. */
  timeoutMs?: number;
  /** Stream stdout here instead of collecting it (dumps, large output). */
  stdout?: Writable;
  /** Feed this to the program's stdin (a dump into pg_restore inside a container). */
  stdin?: Readable;
  /** Bytes of output kept in the result; older output is dropped first. */
  keepBytes?: number;
  /**
   * Told the child's PID as soon as it exists. The executor journals it, so recovery after a crash
   * can stop a build or migration this process left running.
   */
  onSpawn?: (pid: number) => void;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) when this aborts: an operator's Ctrl-C cancels a build. */
  signal?: AbortSignal | undefined;
}

export interface CommandResult {
  argv: readonly string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const DEFAULT_KEEP = 256 * 1024;

/** Keeps the last `limit` bytes: the tail is where build and migration errors are. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Drop a chunk only when what stays still holds `limit` bytes: otherwise how much is kept
    // (and so what a caller hashes or reports) would depend on how the pipe happened to chunk it.
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/**
 * util-linux's setpriv sets the child's parent-death signal, then execs the program: when this
 * process dies — even by SIGKILL, where no handler runs — the kernel kills the child at once, so a
 * killed executor never leaves a build or a migration running to race its recovery.
 */
const SETPRIV = '/usr/bin/setpriv';
const withParentDeathSignal = (argv: readonly string[]): string[] => (existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...argv] : [...argv]);

/** Process groups started here and not yet finished: killed when this process exits or is stopped by a signal. */
const liveGroups = new Set<number>();
let hooked = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (hooked) return;
  hooked = true;
  process.on('exit', () => killLiveGroups('SIGKILL'));
  // First in line, so a `once` listener of the caller's (the service's graceful stop) is still
  // registered, and counted, when this one decides.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.prependListener(signal, onStopSignal);
}

export function killLiveGroups(signal: NodeJS.Signals): void {
  for (const pid of liveGroups) killGroup(pid, signal);
}

/**
 * A signal that would end this process ends its children first, then this process as the signal
 * would have. When something else listens for it too (the service's graceful stop), that listener
 * decides; the exit hook still kills what is left when the process finally exits.
 */
function onStopSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killLiveGroups('SIGKILL');
  process.removeListener(signal, onStopSignal);
  process.kill(process.pid, signal);
}

/** SIGTERM to the group when `cmd` times out or its signal aborts, SIGKILL 5 s later; `done` when it has ended. */
function stopOnTimeoutOrAbort(pid: number | undefined, cmd: Command): { timedOut: () => boolean; done: () => void } {
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (killTimer) return;
    killGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
  };
  const timer = cmd.timeoutMs === undefined ? undefined : setTimeout(() => { timedOut = true; stop(); }, cmd.timeoutMs);
  if (cmd.signal?.aborted) stop();
  else cmd.signal?.addEventListener('abort', stop, { once: true });
  return {
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      cmd.signal?.removeEventListener('abort', stop);
    },
  };
}

export function runCommand(cmd: Command): Promise<CommandResult> {
  const [program, ...args] = withParentDeathSignal(cmd.argv);
  if (!program) return Promise.reject(new Error('runCommand: empty argv'));
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, {
      cwd: cmd.cwd,
      env: cmd.env ? { ...process.env, ...cmd.env } : process.env,
      stdio: [cmd.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] as ['pipe' | 'ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout (or recovery) can stop the whole tree it started.
      detached: true,
    });
    if (child.pid !== undefined) {
      trackGroup(child.pid);
      cmd.onSpawn?.(child.pid);
    }
    const out = new Tail(cmd.keepBytes ?? DEFAULT_KEEP);
    const err = new Tail(cmd.keepBytes ?? DEFAULT_KEEP);
    const stopper = stopOnTimeoutOrAbort(child.pid, cmd);
    if (cmd.stdin && child.stdin) {
      // A program that exits early closes its stdin; that is its exit code's story, not an error here.
      child.stdin.on('error', () => undefined);
      cmd.stdin.pipe(child.stdin);
    }
    const { stdout, stderr } = child as unknown as { stdout: Readable; stderr: Readable };
    if (cmd.stdout) stdout.pipe(cmd.stdout, { end: false });
    else stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => err.push(c));
    const settle = () => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      stopper.done();
    };
    child.on('error', (e) => {
      settle();
      reject(e);
    });
    child.on('close', (exitCode, signal) => {
      settle();
      resolvePromise({ argv: cmd.argv, exitCode, signal, timedOut: stopper.timedOut(), stdout: out.toString(), stderr: err.toString(), durationMs: Date.now() - started });
    });
  });
}

/** True when the program exists and `args` exit 0 (used for `docker compose version` and friends). */
export async function commandWorks(argv: readonly string[], timeoutMs = 15000): Promise<boolean> {
  try {
    const r = await runCommand({ argv, timeoutMs });
    return r.exitCode === 0;
  } catch {
    return false;
  }
}

/** Signals a process group started by runCommand; a group that is already gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
