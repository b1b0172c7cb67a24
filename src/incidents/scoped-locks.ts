/**
 * The incident store's locks, each scoped to what it guards: one per incident (a change to that
 * incident), one per operation (opening its incident), one for the index file. Recording an
 * escalation step therefore waits only for another change to the same incident, never for the
 * other incidents.
 *
 * Across processes (bot, executor, break-glass CLI) a lock is a file made by the environment
 * lock's code, `<dir>/locks/<name>.lock`, taken over when its process crashed. Within one
 * process, callers of the same key queue on a promise first, so they take turns as soon as the
 * previous holder is done instead of polling the file against each other.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { systemClock, type Clock } from '../domain/ports.js';
import { EnvironmentLocks, type LockHandle } from '../state/environment-lock.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lock file's name for a key: keys hold incident and operation IDs, longer than a lock name may be. */
export function lockNameOf(key: string): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 30)}`;
}

export class ScopedLocks {
  private readonly files: EnvironmentLocks;
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly dir: string, private readonly waitMs: number, clock: Clock = systemClock) {
    this.files = new EnvironmentLocks(dir, { clock });
  }

  /** Runs `fn` holding the lock of `key` (words, e.g. "incident inc-…"), which the lock file records. */
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => { done = resolve; });
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await this.acrossProcesses(key, fn);
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** The file lock does not wait by itself (a deploy must not queue behind another): here, changes do. */
  private async acrossProcesses<T>(key: string, fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const deadline = Date.now() + this.waitMs;
    let lock: LockHandle | null = null;
    while (!lock) {
      try {
        lock = await this.files.acquire(lockNameOf(key), { operation: key, deploymentId: '-' });
      } catch (error) {
        if ((error as { code?: string }).code !== 'lock_held' || Date.now() > deadline) throw error;
        await pause(5 + Math.random() * 15);
      }
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}
