/**
 * What a person may choose from before a manual rollback or a restore, read through the same code
 * as the CLI's rollback menu and `ripcord backups list`: the releases that ran here (from the
 * journals' release history — never one that was refused or rolled back, never the live one),
 * the backups with kind, age and whether they are verified or corrupt, and the live release. Reads only.
 */
import { listBackups, standingOf } from '../backups/index.js';
import type { ExecutorEnv } from '../executor/executor-env.js';
import { rollbackTargets, type RollbackTarget } from '../executor/manual-rollback-inputs.js';

export interface BackupSummary {
  name: string;
  kind: string;
  createdAt: string;
  sizeBytes: number;
  /** Verified and unchanged since; false for a corrupt one. */
  verified: boolean;
  /** Why it fails its check against its manifest; absent when it does not. */
  corrupt?: string;
  /** The release that was live when it was taken, when known. */
  releaseSha: string | null;
  /** The database the dump holds (`unknown` without a manifest). */
  database?: string;
}

export interface RollbackChoices {
  current: { sha: string; tags: string[] };
  /** Most recently live first. */
  releases: RollbackTarget[];
  /** Newest first. */
  backups: BackupSummary[];
}

export async function backupSummaries(x: ExecutorEnv): Promise<BackupSummary[]> {
  return (await listBackups(x.env)).map((b) => ({
    name: b.name, kind: b.kind, createdAt: b.createdAt, sizeBytes: b.sizeBytes, ...standingOf(b), releaseSha: b.releaseSha, database: b.database,
  }));
}

export async function rollbackChoices(x: ExecutorEnv): Promise<RollbackChoices> {
  const sha = await x.repo.currentSha();
  return { current: { sha, tags: await x.repo.tagsPointingAt(sha) }, releases: await rollbackTargets(x), backups: await backupSummaries(x) };
}
