/**
 * The audit trail of what people asked Ripcord to do from Slack: asked, approval requested,
 * approved, denied, started, finished — who (Slack user ID and name), what, when, from which
 * channel. One append-only JSON-lines file, `<stateDir>/audit/audit.jsonl`, mode 0600 (it names
 * people), every entry fsynced before `record` returns. It is the record of truth; a copy may go
 * to PostgreSQL (store/audit-store.ts). `readAudit` serves `ripcord audit`.
 */
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './durable-fs.js';

export const AUDIT_EVENTS = ['asked', 'approval_requested', 'approved', 'denied', 'started', 'finished'] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export interface AuditEntry {
  at: string;
  event: AuditEvent;
  environment: string;
  /** deploy, rollback, restore, backup, incident, or the approval of one. */
  action: string;
  /** Who did it: for started/finished, who asked for the operation. */
  user: { id: string; name: string };
  /** The Slack channel ID it came from; null when it came from the operation itself. */
  channel: string | null;
  /** What: the ref, the rollback target, the backup. */
  target?: string;
  operationId?: string;
  requestId?: string;
  approvalId?: string;
  /** Why it was denied, how it ended, who approved. */
  detail?: string;
}

export function auditPath(stateDir: string): string {
  return join(stateDir, 'audit', 'audit.jsonl');
}

export class AuditLog {
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  static forStateDir(stateDir: string): AuditLog { return new AuditLog(auditPath(stateDir)); }

  /** Appends one entry, durable before this resolves; entries are written in call order. */
  record(entry: AuditEntry): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    const write = this.chain.then(() => this.append(line));
    this.chain = write.catch(() => undefined);
    return write;
  }

  private async append(line: Buffer): Promise<void> {
    const dir = join(this.path, '..');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const fh = await open(this.path, 'a', 0o600);
    try {
      const created = (await fh.stat()).size === 0;
      if (created) await chmod(this.path, 0o600); // a umask cannot widen it, but an older file may have been made by hand
      let done = 0;
      while (done < line.length) done += (await fh.write(line, done, line.length - done)).bytesWritten;
      await fh.sync();
      if (created) await fsyncDir(dir);
    } finally {
      await fh.close();
    }
  }
}

export interface AuditFilter { environment?: string; since?: Date }

/** Entries in the order they were written, filtered; a torn last line (a crash mid-write) is skipped. */
export async function readAudit(path: string, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: AuditEntry;
    try { entry = JSON.parse(line) as AuditEntry; } catch { continue; }
    if (filter.environment && entry.environment !== filter.environment) continue;
    if (filter.since && new Date(entry.at) < filter.since) continue;
    out.push(entry);
  }
  return out;
}
