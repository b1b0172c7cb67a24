/**
 * Every backup in an environment's backup dir, newest first, including old-format dumps without a
 * manifest — each with what a cheap check of its file against the manifest found (size, mtime,
 * a remembered failed re-hash), so nothing calls a dump "verified" that no longer matches.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../config/schema.js';
import { checkBackup, corruptReason, type BackupCheck } from '../domain/backup-check.js';
import { isBackupFileName } from './backup-files.js';
import { readRecord, type BackupRecord } from './manifest.js';

export interface ListedBackup extends BackupRecord {
  /** What the listing found just now; `verifiedAt` alone only says a check once passed. */
  check: BackupCheck;
}

/** A backup's record and its cheap check (a stat, no hashing). */
export function readChecked(path: string): ListedBackup {
  const record = readRecord(path);
  const st = statSync(path);
  return { ...record, check: checkBackup(record, { sizeBytes: st.size, modifiedAt: st.mtime }) };
}

export async function listBackups(env: EnvironmentConfig): Promise<ListedBackup[]> {
  const dir = env.backups.dir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isBackupFileName)
    .flatMap((name) => stillThere(() => readChecked(join(dir, name))))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
}

/** A dump pruned between the directory read and its stat is simply no longer listed. */
function stillThere(read: () => ListedBackup): ListedBackup[] {
  try {
    return [read()];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The flags the choosers (plans, pickers, retention) read: corrupt means not verified. */
export function standingOf(b: ListedBackup): { verified: boolean; corrupt?: string } {
  const corrupt = corruptReason(b.check);
  return { verified: b.check.state === 'verified', ...(corrupt ? { corrupt } : {}) };
}
