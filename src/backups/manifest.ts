/** The manifest beside every dump: what it is, where it came from, and how to check it is intact. */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FailedVerification } from '../domain/backup-check.js';
import type { DatabaseState } from '../domain/database-change.js';
import type { DatabaseIdentity } from '../domain/database-identity.js';
import type { BackupKind } from './backup-files.js';

export interface BackupRecord {
  name: string;
  path: string;
  kind: BackupKind;
  format: 'custom' | 'sql.gz';
  sizeBytes: number;
  sha256: string | null;
  database: string;
  serverVersion: string | null;
  pgDumpVersion: string | null;
  releaseSha: string | null;
  createdAt: string;
  verifiedAt: string | null;
  /**
   * The transactions the dump holds (`pg_current_snapshot()` of its snapshot); absent in older
   * manifests and old-format dumps. Rows committed after it are not in the dump.
   */
  snapshot?: string;
  /**
   * Which database the snapshot was taken of (server and OID): rows written since it can be counted
   * only in that same database. Absent in older manifests.
   */
  databaseIdentity?: DatabaseIdentity;
  /**
   * The schema and migrations record the dump holds (surveyed beside it): what a release that ran
   * on this database needs, so a rollback can tell whether it may keep the live one. Absent in
   * older manifests.
   */
  databaseState?: DatabaseState;
  /** table → rows at dump time, compared by a deep verify. */
  rowCounts: Record<string, number> | null;
  /** False for an old-format dump with no manifest: facts were inferred from the file. */
  hasManifest: boolean;
  /** Set when a manifest exists but cannot be read: verification fails with this reason. */
  manifestProblem?: string;
  /**
   * The last full verification failed (checksum, size, pg_restore): the dump is corrupt until a
   * verification passes again. Absent in older manifests and in every dump that passed.
   */
  failedVerification?: FailedVerification;
}

export const manifestPathOf = (dumpPath: string) => `${dumpPath}.json`;

export function writeManifest(record: BackupRecord): void {
  // A listed record carries what the listing found (`check`): that is about now, not the dump.
  const { path: _path, hasManifest: _h, manifestProblem: _p, check: _c, ...stored } = record as BackupRecord & { check?: unknown };
  const target = manifestPathOf(record.path);
  writeFileSync(`${target}.partial`, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${target}.partial`, target);
}

/** The manifest, or facts inferred from the file itself (old `backup_*.sql.gz` dumps have none). */
export function readRecord(path: string): BackupRecord {
  const name = basename(path);
  const manifest = manifestPathOf(path);
  if (existsSync(manifest)) {
    try {
      const stored = JSON.parse(readFileSync(manifest, 'utf8')) as Omit<BackupRecord, 'path' | 'hasManifest'>;
      return { ...stored, name, path, hasManifest: true };
    } catch (error) {
      // A damaged manifest must not hide the dump from `list`, nor let it pass as checked.
      return { ...inferred(path), hasManifest: true, manifestProblem: `manifest ${basename(manifest)} is unreadable: ${(error as Error).message}` };
    }
  }
  return inferred(path);
}

function inferred(path: string): BackupRecord {
  const name = basename(path);
  const st = statSync(path);
  return {
    name, path, kind: name.startsWith('safety_') ? 'safety' : 'predeploy', format: name.endsWith('.sql.gz') ? 'sql.gz' : 'custom',
    sizeBytes: st.size, sha256: null, database: 'unknown', serverVersion: null, pgDumpVersion: null, releaseSha: null,
    createdAt: timeFromName(name) ?? st.mtime.toISOString(), verifiedAt: null, rowCounts: null, hasManifest: false,
  };
}

/** backup_20261122_020000 → 2026-11-22T02:00:00 in local time, as the old script named them. */
function timeFromName(name: string): string | null {
  const m = /backup_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).toISOString();
}
