/**
 * Whether a backup still matches its manifest, from what a cheap look at the file found (its size
 * and modification time) and from what a full re-hash remembered. Pure: the caller stats the file.
 * "verified" means verified and unchanged since; a backup that fails is "corrupt", with the reason.
 */

/** A full verification that failed, kept in the manifest so later listings need not re-hash. */
export interface FailedVerification {
  at: string;
  reasons: string[];
}

export type BackupCheck =
  | { state: 'verified'; verifiedAt: string }
  | { state: 'unverified' }
  | { state: 'corrupt'; reason: string };

/** What the manifest says about the file. */
export interface ManifestFacts {
  sizeBytes: number;
  verifiedAt: string | null;
  /** False when the facts were inferred from the file itself: there is nothing to compare. */
  hasManifest: boolean;
  manifestProblem?: string;
  failedVerification?: FailedVerification;
}

/** What a stat of the dump found. */
export interface FileFacts {
  sizeBytes: number;
  modifiedAt: Date;
}

/**
 * Filesystems keep modification times coarser than our clock (FAT: 2 s); a dump written and verified
 * within that window must not look changed after its verification.
 */
const MTIME_SLACK_MS = 2000;

export function checkBackup(m: ManifestFacts, file: FileFacts): BackupCheck {
  if (m.manifestProblem) return { state: 'corrupt', reason: m.manifestProblem };
  if (m.failedVerification) {
    return { state: 'corrupt', reason: `failed verification at ${m.failedVerification.at}: ${m.failedVerification.reasons.join('; ')}` };
  }
  if (m.hasManifest && file.sizeBytes !== m.sizeBytes) {
    return { state: 'corrupt', reason: `size is ${file.sizeBytes} bytes, the manifest says ${m.sizeBytes}` };
  }
  if (!m.verifiedAt) return { state: 'unverified' };
  if (file.modifiedAt.getTime() > Date.parse(m.verifiedAt) + MTIME_SLACK_MS) {
    return { state: 'corrupt', reason: `modified on disk at ${file.modifiedAt.toISOString()}, after it was verified at ${m.verifiedAt} (a full verify re-hashes it)` };
  }
  return { state: 'verified', verifiedAt: m.verifiedAt };
}

/** The reason a backup must not be used, or undefined when it may be. */
export const corruptReason = (c: BackupCheck): string | undefined => (c.state === 'corrupt' ? c.reason : undefined);

/** "verified", "not verified" or "CORRUPT", where there is no room for the reason. */
export function checkLabel(c: Pick<BackupStanding, 'verified' | 'corrupt'>): string {
  if (c.corrupt) return 'CORRUPT';
  return c.verified ? 'verified' : 'not verified';
}

/** "verified", "not verified" or "CORRUPT: why", as the lists show it. */
export const checkWords = (c: Pick<BackupStanding, 'verified' | 'corrupt'>): string => (c.corrupt ? `CORRUPT: ${c.corrupt}` : checkLabel(c));

/** A backup as the choosers see it: `verified` is false for a corrupt one, and `corrupt` says why. */
export interface BackupStanding {
  name: string;
  createdAt: string;
  verified: boolean;
  /** Why it fails its check; absent when it does not. */
  corrupt?: string;
  releaseSha: string | null;
}

/** The newest verified, uncorrupted backup taken while `sha` was live; null when there is none. */
export function newestGoodBackup<T extends BackupStanding>(backups: readonly T[], sha: string): T | null {
  const good = backups.filter((b) => b.verified && !b.corrupt && b.releaseSha === sha);
  return good.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] ?? null;
}
