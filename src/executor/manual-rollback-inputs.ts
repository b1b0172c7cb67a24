/**
 * Resolves what a manual rollback request means on this host right now: the live release and
 * images, the target release (from the journals' release history or git), the backup, and — for
 * quick — whether the database must go back too. Reads only; the plan is built from the result.
 */
import { listBackups, readChecked, standingOf, type ListedBackup } from '../backups/index.js';
import { backupPath } from '../backups/backup-files.js';
import { appDatabaseName } from '../backups/restore-backup.js';
import { backupForRelease, type ManualPlanInputs, type ManualRollbackRequest, type TargetBackup, type TargetRelease } from '../domain/manual-rollback.js';
import { knownRelease, previousRelease, type ReleaseChange, type ReleaseHistory } from '../domain/release-history.js';
import { validateRef, shortSha } from '../domain/ref.js';
import type { ExecutorEnv } from './executor-env.js';
import { codeOnlyDatabase, quickDatabase } from './manual-rollback-database.js';
import { loadReleaseHistory, readEnvironmentJournals } from './release-journals.js';
import { releaseHistory } from '../domain/release-history.js';

export interface ResolvedRollback {
  inputs: ManualPlanInputs;
  /** service → image name of the running containers: where recorded image IDs are tagged back. */
  imageNames: Record<string, string>;
}

const toTargetBackup = (b: ListedBackup): TargetBackup => ({ name: b.name, kind: b.kind, createdAt: b.createdAt, ...standingOf(b), releaseSha: b.releaseSha, database: b.database });

/** A ref typed by a person: resolved locally first, so a rollback works when the git remote is down. */
async function resolveRef(x: ExecutorEnv, ref: string): Promise<string> {
  validateRef(ref);
  try {
    return await x.repo.resolve(ref);
  } catch {
    await x.repo.fetch(x.env.remote);
    return x.repo.resolve(ref);
  }
}

/** The target as the plan needs it; named by the ref typed, else the one it was deployed as, else its tag. */
async function targetOf(x: ExecutorEnv, history: ReleaseHistory, sha: string, ref: string | null, change?: ReleaseChange): Promise<TargetRelease> {
  const known = knownRelease(history, sha);
  const images = change?.fromImages ?? known?.images ?? {};
  const name = ref ?? known?.ref ?? (await x.repo.tagsPointingAt(sha))[0] ?? null;
  return { sha, ref: name, images, ran: known !== null, liveSince: known?.liveSince ?? null };
}

/** A backup a person named; `backupPath` refuses `../`, absolute paths and anything not a backup. */
const namedBackup = (x: ExecutorEnv, name: string): TargetBackup => toTargetBackup(readChecked(backupPath(x.env.backups.dir, name)));

export async function resolveManualRollback(x: ExecutorEnv, req: ManualRollbackRequest): Promise<ResolvedRollback> {
  const currentSha = await x.repo.currentSha();
  const containers = (await x.runtime.serviceContainers(x.compose.project)).filter((c) => !c.oneOff);
  const currentImages = Object.fromEntries(containers.map((c) => [c.service, c.imageId]));
  const imageNames = Object.fromEntries(containers.map((c) => [c.service, c.imageName]));
  const journals = await readEnvironmentJournals(x.stateDir, x.name);
  const history = releaseHistory(journals);
  const records = await listBackups(x.env);
  const backups = records.map(toTargetBackup);
  const previous = previousRelease(history, currentSha);
  const base = { request: req, environment: x.name, currentSha, currentImages, schemaCommand: x.env.rollback.schemaCommand, liveDatabase: appDatabaseName(x.env) };

  let target: TargetRelease | null = null;
  let backup: TargetBackup | null = null;
  let databaseReason: string | undefined;
  if (req.kind !== 'backup') {
    if (req.ref) {
      const sha = await resolveRef(x, req.ref);
      target = await targetOf(x, history, sha, req.ref, previous?.release.sha === sha ? previous.change : undefined);
    } else if (previous) {
      target = await targetOf(x, history, previous.release.sha, null, previous.change);
    }
  }
  if (req.backup) backup = namedBackup(x, req.backup);
  else if (req.kind === 'full' && target) backup = backupForRelease(backups, target.sha, previous?.release.sha === target.sha ? previous.change.preDeployBackup : null);
  const reads = target && { journals, backups: records, label: (await releaseLabels(x, [target.sha]))[target.sha] ?? shortSha(target.sha) };
  if (req.kind === 'quick' && previous && target && reads) {
    const db = await quickDatabase(x, req, backups, previous, reads);
    backup = db.backup;
    databaseReason = db.reason;
  } else if (req.kind === 'commit' && req.level !== 2 && target && reads && target.sha !== currentSha) {
    databaseReason = await codeOnlyDatabase(x, req, target.sha, reads);
  }
  return { inputs: { ...base, target, backup, ...(databaseReason ? { databaseReason } : {}) }, imageNames };
}

/** A release a person may pick: it ran here, it is not the live one. */
export interface RollbackTarget {
  sha: string;
  tags: string[];
  liveSince: string | null;
  liveUntil: string | null;
}

/** Releases offered for rollback, most recently live first; never the live one, never one that never ran. */
export async function rollbackTargets(x: ExecutorEnv): Promise<RollbackTarget[]> {
  const current = await x.repo.currentSha();
  const history = await loadReleaseHistory(x.stateDir, x.name);
  const out: RollbackTarget[] = [];
  for (const r of history.releases.filter((r) => r.sha !== current)) {
    out.push({ sha: r.sha, tags: await x.repo.tagsPointingAt(r.sha), liveSince: r.liveSince, liveUntil: r.liveUntil });
  }
  return out;
}

/** sha → "v1.0.0 9e8d7c6" for the SHAs a plan names. */
export async function releaseLabels(x: ExecutorEnv, shas: readonly string[]): Promise<Record<string, string>> {
  const labels: Record<string, string> = {};
  for (const sha of new Set(shas)) {
    const tags = await x.repo.tagsPointingAt(sha);
    labels[sha] = `${tags.length ? `${tags.join(', ')} ` : ''}${shortSha(sha)}`;
  }
  return labels;
}
