/**
 * The durable outbox: a delivery a remote sink could not make, kept on local disk until it can.
 * One file per delivery, `<stateDir>/outbox/<env>/<id>.<sink>.json` (0600 in a 0700 dir), written
 * atomically and fsynced, holding only the sink's name and the notification — never the
 * destination: a flush resolves it from the configuration of the day, so a rotated webhook URL
 * works and no secret is written to disk. Names sort by the notification's time: oldest first.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notificationFromJson, notificationJson, type NotificationJson } from '../domain/notification-format.js';
import type { Notification } from '../domain/ports.js';
import { redactString } from '../domain/redact.js';
import { createExclusive, fsyncDir, removeIfExists, replaceAtomically } from '../state/durable-fs.js';
import { EnvironmentLocks, type LockHandle } from '../state/environment-lock.js';
import { REMOTE_SINKS, type RemoteSinkName } from './sink.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const ENTRY_NAME = /^(\d{8}T\d{9}Z-[0-9a-f]{8})\.(slack|webhook|email)\.json$/;

/** One kept delivery, as stored. */
export interface OutboxEntry {
  version: 1;
  id: string;
  sink: RemoteSinkName;
  notification: Notification;
  /** When the first attempt failed; the keep period counts from here. */
  keptAt: Date;
  attempts: number;
  lastAttemptAt: Date;
  /** Already masked; names the sink and the failure, never the destination. */
  lastError: string;
}

interface StoredEntry extends Omit<OutboxEntry, 'notification' | 'keptAt' | 'lastAttemptAt'> {
  notification: NotificationJson;
  keptAt: string;
  lastAttemptAt: string;
}

export interface OutboxListing {
  entries: OutboxEntry[];
  /** Files with an entry's name that could not be read back; left in place for a person. */
  unreadable: string[];
}

/** An id shared by every sink's copy of one notification: its time, then randomness. */
export function deliveryId(at: Date): string {
  return `${at.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
}

export class Outbox {
  readonly dir: string;
  private readonly locks: EnvironmentLocks;

  constructor(stateDir: string, readonly env: string) {
    this.locks = new EnvironmentLocks(join(stateDir, 'outbox', '.flush'));
    this.locks.lockPath(env); // validates the name before it becomes a directory
    this.dir = join(stateDir, 'outbox', env);
  }

  pathOf(entry: Pick<OutboxEntry, 'id' | 'sink'>): string {
    return join(this.dir, `${entry.id}.${entry.sink}.json`);
  }

  /** Keeps a failed delivery. Returns the entry as written. */
  async keep(id: string, sink: RemoteSinkName, notification: Notification, error: string, now: Date): Promise<OutboxEntry> {
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    const entry: OutboxEntry = { version: 1, id, sink, notification, keptAt: now, attempts: 1, lastAttemptAt: now, lastError: redactString(error) };
    if (!(await createExclusive(this.pathOf(entry), serialize(entry), FILE_MODE))) {
      await replaceAtomically(this.pathOf(entry), serialize(entry), FILE_MODE);
    }
    return entry;
  }

  /** Records another failed attempt in place. */
  async failedAgain(entry: OutboxEntry, error: string, now: Date): Promise<OutboxEntry> {
    const next: OutboxEntry = { ...entry, attempts: entry.attempts + 1, lastAttemptAt: now, lastError: redactString(error) };
    await replaceAtomically(this.pathOf(next), serialize(next), FILE_MODE);
    return next;
  }

  /** Removes a delivered (or dropped) entry, durably: a crash must not bring it back to be sent again. */
  async remove(entry: Pick<OutboxEntry, 'id' | 'sink'>): Promise<void> {
    await removeIfExists(this.pathOf(entry));
    await fsyncDir(this.dir);
  }

  /** True when nothing is kept: a directory listing, no lock and no file read. */
  async isEmpty(): Promise<boolean> {
    try {
      return !(await readdir(this.dir)).some((n) => ENTRY_NAME.test(n));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
  }

  /** Every kept delivery, oldest notification first. */
  async list(): Promise<OutboxListing> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => ENTRY_NAME.test(n)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadable: [] };
      throw error;
    }
    const listing: OutboxListing = { entries: [], unreadable: [] };
    for (const name of names) {
      const entry = await readEntry(join(this.dir, name));
      if (entry === 'gone') continue; // delivered by a concurrent flush since readdir
      if (entry) listing.entries.push(entry);
      else listing.unreadable.push(join(this.dir, name));
    }
    return listing;
  }

  /**
   * Runs `fn` while no other process flushes this outbox, so a delivery is never sent twice by
   * two flushes at once; null when another flush holds it. A crashed flusher's lock is taken over.
   */
  async exclusively<T>(fn: () => Promise<T>): Promise<T | null> {
    let lock: LockHandle;
    try {
      lock = await this.locks.acquire(this.env, { operation: 'notify flush', deploymentId: '-' });
    } catch (error) {
      if ((error as { code?: string }).code === 'lock_held') return null;
      throw error;
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}

function serialize(entry: OutboxEntry): string {
  const stored: StoredEntry = {
    ...entry,
    notification: notificationJson(entry.notification),
    keptAt: entry.keptAt.toISOString(),
    lastAttemptAt: entry.lastAttemptAt.toISOString(),
  };
  return `${JSON.stringify(stored, null, 2)}\n`;
}

async function readEntry(path: string): Promise<OutboxEntry | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const s = JSON.parse(text) as Partial<StoredEntry>;
    const notification = notificationFromJson(s.notification);
    const keptAt = new Date(String(s.keptAt));
    const lastAttemptAt = new Date(String(s.lastAttemptAt));
    const valid = notification && REMOTE_SINKS.includes(s.sink as RemoteSinkName) && typeof s.id === 'string'
      && Number.isInteger(s.attempts) && !Number.isNaN(keptAt.getTime()) && !Number.isNaN(lastAttemptAt.getTime());
    if (!valid) return null;
    return { version: 1, id: s.id as string, sink: s.sink as RemoteSinkName, notification, keptAt, attempts: s.attempts as number, lastAttemptAt, lastError: String(s.lastError ?? '') };
  } catch {
    return null;
  }
}
