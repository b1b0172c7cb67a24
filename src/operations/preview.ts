/**
 * "What would this do", for the person about to confirm (the bot's confirmation dialog, and
 * anything else that calls it): from → to with commits and pending migrations for a deploy, the
 * manual rollback plan (release labels, backup, whether and why the database is restored), the
 * backup a restore would use — plus who holds the environment lock right now. Reads only; built
 * on the same computations as `deploy --dry-run` and the rollback preview.
 */
import { readChecked, standingOf } from '../backups/index.js';
import { backupPath } from '../backups/backup-files.js';
import { formatManualPlan } from '../domain/manual-rollback-format.js';
import type { ManualRollbackPlan } from '../domain/manual-rollback.js';
import { formatPlan } from '../domain/plan-format.js';
import { buildDeployPlan, withPreview, type DeployPlan } from '../domain/plan.js';
import type { ExecutorEnv } from '../executor/executor-env.js';
import { releaseLabels } from '../executor/manual-rollback-inputs.js';
import { previewManualRollback } from '../executor/manual-rollback.js';
import { describeOperation, type OperationRequest } from './request.js';
import { deployPreview as previewFromGit } from '../executor/deploy-preview.js';

export interface OperationPreview {
  environment: string;
  operation: string;
  /** The lock holder in words, or null when the environment is free (a queued operation waits for it). */
  lockHeldBy: string | null;
  /** The plan as data: a deploy plan, a manual rollback plan, or the backup to use. */
  plan: DeployPlan | ManualRollbackPlan | { backup: string; createdAt: string; verified: boolean; corrupt?: string } | null;
  /** The same, in lines a person reads. */
  lines: string[];
}

export async function preview(x: ExecutorEnv, request: OperationRequest): Promise<OperationPreview> {
  const holder = await x.locks.holder(x.name);
  const base = { environment: x.name, operation: describeOperation(request.operation), lockHeldBy: holder ? x.locks.describeOwner(holder) : null };
  const op = request.operation;
  const withLock = (lines: string[]) => (base.lockHeldBy ? [...lines, `lock: held by ${base.lockHeldBy} — this waits until it is free`] : lines);
  switch (op.kind) {
    case 'deploy': {
      const plan = await deployPreview(x, op.ref);
      return { ...base, plan, lines: withLock(formatPlan(plan)) };
    }
    case 'rollback': {
      const { confirmed: _c, ...choice } = op.rollback;
      const plan = await previewManualRollback(x, choice);
      const labels = await releaseLabels(x, [plan.fromSha, plan.toSha]);
      return { ...base, plan, lines: withLock(formatManualPlan(plan, labels, new Date())) };
    }
    case 'backup_restore':
    case 'backup_verify': {
      const record = readChecked(backupPath(x.env.backups.dir, op.backup));
      const plan = { backup: record.name, createdAt: record.createdAt, ...standingOf(record) };
      const what = op.kind === 'backup_restore'
        ? `restore ${x.name}'s database from ${record.name} (taken ${record.createdAt}); a safety backup of the current database is taken first`
        : `verify ${record.name} (checksum and pg_restore --list${op.deep ? ', then a restore into a throwaway database' : ''})`;
      const refused = plan.corrupt && op.kind === 'backup_restore' ? [`${record.name} is corrupt (${plan.corrupt}): the restore is refused; pick a verified backup from \`ripcord backups list\``] : [];
      return { ...base, plan, lines: withLock([what, ...refused]) };
    }
    default:
      return { ...base, plan: null, lines: withLock([`${base.operation} on ${x.name}`]) };
  }
}

/** As `ripcord deploy --dry-run`: current → target, the commits between, images to build, what is known of migrations. */
async function deployPreview(x: ExecutorEnv, ref: string): Promise<DeployPlan> {
  await x.repo.fetch(x.env.remote);
  const current = await x.repo.currentSha();
  const target = await x.repo.resolve(ref);
  return withPreview(buildDeployPlan(x.env, { ref, sha: target }, { sha: current }), await previewFromGit(x, current, target));
}
