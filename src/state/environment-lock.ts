/**
 * One deployment or rollback per environment at a time, on this host, without Redis: the lock is
 * a file, `<stateDir>/locks/<env>.lock`, holding its owner as JSON. Every path (CLI, queue worker,
 * recovery) takes it from preflight through the last check.
 *
 * Creation is atomic and complete: the owner is written to a private temp file, then hard-linked
 * to the lock's name, which fails with EEXIST when the lock exists — so a reader never sees a
 * half-written owner. A lock whose owner process is gone *on this host* is taken over (a crash);
 * one held from another host is never taken automatically, since this host cannot see that
 * process: a person runs `ripcord unlock --env X` ({@link EnvironmentLocks.forceUnlock}).
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { formatDistance } from 'date-fns';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { systemClock, type Clock } from '../domain/ports.js';
import { createExclusive, fsyncDir, removeIfExists, replaceAtomically } from './durable-fs.js';

/** Who holds a lock, doing what, since when. */
export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** In words, e.g. "deploy v1.1.0 by @alice via slack". */
  operation: string;
  deploymentId: string;
  /** Linux boot ID: after a reboot every old PID is gone, even if the number is in use again. */
  bootId?: string;
  /** The stale owner this one replaced, kept in the file for whoever looks next. */
  tookOverFrom?: LockOwner;
}

export interface LockHandle {
  readonly env: string;
  readonly path: string;
  readonly owner: LockOwner;
  /** Set when the lock was taken over from a crashed process: journal it, and recover its deployment first. */
  readonly tookOverFrom: LockOwner | null;
  /** Removes the lock if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
}

/** The lock is held by someone else: exit code 2, nothing changed. The message says who, doing what, since when. */
export class LockHeldError extends RipcordError {
  constructor(readonly env: string, readonly owner: LockOwner | null, message: string, fix: string) {
    super('lock_held', message, fix, ExitCode.refused);
  }
}

export interface EnvironmentLocksOptions {
  clock?: Clock;
  /** This host's name, as recorded in owners (default os.hostname()). */
  host?: string;
  /** Whether a process on this host still exists (default: signal 0). */
  isAlive?: (pid: number) => boolean;
  /** This boot's ID (default: /proc/sys/kernel/random/boot_id, absent elsewhere). */
  bootId?: string | null;
}

let bootIdRead: { id: string | null } | undefined;

/** Read once per process (it cannot change while the process lives): every outbox and incident store makes locks. */
function currentBootId(): string | null {
  if (!bootIdRead) {
    try {
      bootIdRead = { id: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null };
    } catch {
      bootIdRead = { id: null };
    }
  }
  return bootIdRead.id;
}

/** Signal 0 checks existence only. EPERM means it exists under another user: alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    const ok = Number.isInteger(o.pid) && (o.pid ?? 0) > 0 && typeof o.host === 'string' && typeof o.startedAt === 'string'
      && typeof o.operation === 'string' && typeof o.deploymentId === 'string';
    return ok ? (o as LockOwner) : null;
  } catch {
    return null;
  }
}

const sameOwner = (a: LockOwner, b: LockOwner) => a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt && a.deploymentId === b.deploymentId;

type Read = { kind: 'missing' } | { kind: 'unreadable' } | { kind: 'owner'; owner: LockOwner };

async function readLock(path: string): Promise<Read> {
  try {
    const owner = parseOwner(await readFile(path, 'utf8'));
    return owner ? { kind: 'owner', owner } : { kind: 'unreadable' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ATTEMPTS = 40;

export class EnvironmentLocks {
  private readonly clock: Clock;
  private readonly host: string;
  private readonly isAlive: (pid: number) => boolean;
  private readonly bootId: string | null;

  constructor(private readonly stateDir: string, options: EnvironmentLocksOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.host = options.host ?? hostname();
    this.isAlive = options.isAlive ?? processAlive;
    this.bootId = options.bootId === undefined ? currentBootId() : options.bootId;
  }

  lockPath(env: string): string {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(env)) throw new RipcordError('bad_input', `environment name ${JSON.stringify(env)} is not valid`, 'use the name of an environment in ripcord.yml, e.g. production', ExitCode.refused);
    return join(this.stateDir, 'locks', `${env}.lock`);
  }

  /** Takes the environment's lock, or throws {@link LockHeldError} naming the holder and the fix. */
  async acquire(env: string, request: { operation: string; deploymentId: string }): Promise<LockHandle> {
    const path = this.lockPath(env);
    await mkdir(dirname(path), { recursive: true });
    const owner: LockOwner = { pid: process.pid, host: this.host, startedAt: this.clock.now().toISOString(), ...request, ...(this.bootId ? { bootId: this.bootId } : {}) };
    let last: Read = { kind: 'missing' };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await createExclusive(path, JSON.stringify(owner))) return this.handle(env, path, owner, null);
      last = await readLock(path);
      if (last.kind === 'owner' && this.isStale(last.owner)) {
        const tookOver = await this.takeOver(path, last.owner, owner);
        if (tookOver) return this.handle(env, path, tookOver, last.owner);
        await pause(25);
      } else if (last.kind !== 'missing') {
        break;
      }
    }
    throw this.heldError(env, last.kind === 'owner' ? last.owner : null);
  }

  /** Runs `fn` holding the lock, releasing it however `fn` ends. */
  async withLock<T>(env: string, request: { operation: string; deploymentId: string }, fn: (lock: LockHandle) => Promise<T>): Promise<T> {
    const lock = await this.acquire(env, request);
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  /** The current holder, or null when the environment is free (for `ripcord status`). */
  async holder(env: string): Promise<LockOwner | null> {
    const read = await readLock(this.lockPath(env));
    return read.kind === 'owner' ? read.owner : null;
  }

  /**
   * Removes the lock whoever holds it: `ripcord unlock --env X`, for a person who has checked that
   * nothing runs any more (typically a lock from another host). Returns who held it.
   */
  async forceUnlock(env: string): Promise<LockOwner | null> {
    const path = this.lockPath(env);
    const read = await readLock(path);
    await removeIfExists(path);
    return read.kind === 'owner' ? read.owner : null;
  }

  /** Words for a holder, e.g. "deploy v1.1.0 by @alice via slack (deployment d-1), pid 4242 on web-1, since 3 minutes ago". */
  describeOwner(owner: LockOwner): string {
    const since = new Date(owner.startedAt);
    const ago = Number.isNaN(since.getTime()) ? owner.startedAt : `${formatDistance(since, this.clock.now(), { addSuffix: true })} (${owner.startedAt})`;
    return `${owner.operation} (deployment ${owner.deploymentId}), pid ${owner.pid} on ${owner.host}, since ${ago}`;
  }

  /**
   * The owner is gone and the next taker takes the lock over. Only this host can tell: its owner's
   * process is gone, or the host rebooted since it was taken.
   */
  isStale(owner: LockOwner): boolean {
    if (owner.host !== this.host) return false;
    const rebooted = this.bootId !== null && owner.bootId !== undefined && owner.bootId !== this.bootId;
    return rebooted || !this.isAlive(owner.pid);
  }

  /**
   * Replaces a stale lock. Takers first create `<lock>.takeover` exclusively, so two processes
   * never both remove-and-recreate; the taker re-reads the lock and gives up if it changed. A taker
   * that dies inside this millisecond-long window leaves the marker behind, which the next taker
   * removes once that process is gone (racing another taker in that same window is accepted).
   */
  private async takeOver(path: string, stale: LockOwner, owner: LockOwner): Promise<LockOwner | null> {
    const marker = `${path}.takeover`;
    if (!(await createExclusive(marker, JSON.stringify(owner)))) {
      const other = await readLock(marker);
      if (other.kind === 'owner' && this.isStale(other.owner)) await removeIfExists(marker);
      return null;
    }
    try {
      const again = await readLock(path);
      if (again.kind !== 'owner' || !sameOwner(again.owner, stale)) return null;
      const { tookOverFrom: _older, ...previous } = stale;
      const next: LockOwner = { ...owner, tookOverFrom: previous };
      // Rename over the stale lock: removing it first would open a window for a fresh create.
      await replaceAtomically(path, JSON.stringify(next));
      return next;
    } finally {
      await removeIfExists(marker);
    }
  }

  private handle(env: string, path: string, owner: LockOwner, tookOverFrom: LockOwner | null): LockHandle {
    let released = false;
    return {
      env, path, owner, tookOverFrom,
      release: async () => {
        if (released) return;
        released = true;
        const current = await readLock(path);
        // Never remove a lock someone else took after a forced unlock.
        if (current.kind === 'owner' && sameOwner(current.owner, owner)) {
          await removeIfExists(path);
          await fsyncDir(dirname(path));
        }
      },
    };
  }

  private heldError(env: string, owner: LockOwner | null): LockHeldError {
    const unlock = `\`ripcord unlock --env ${env}\``;
    if (!owner) {
      return new LockHeldError(env, null, `${env} is locked, but the lock file ${this.lockPath(env)} cannot be read`, `if no deploy or rollback is running for ${env}, run ${unlock}`);
    }
    const message = `${env} is locked by ${this.describeOwner(owner)}`;
    if (owner.host !== this.host) {
      return new LockHeldError(env, owner, message, `it runs on ${owner.host}, which this host cannot check, so Ripcord never takes it over: if nothing runs there any more, run ${unlock}`);
    }
    return new LockHeldError(env, owner, message, `wait for it to finish; if process ${owner.pid} is stuck, stop it and Ripcord takes the lock over (or run ${unlock})`);
  }
}
