/**
 * A manual rollback (quick, commit, backup, full; Levels 1/2/3) through the executor: the same
 * environment lock as deploys (a running deploy, from Slack or the CLI, blocks it), a journal with
 * the plan written before the first step, the same rollback steps and checks. An interrupted one
 * is resumed by `ripcord recover` from the journaled plan.
 */
import { verifyBackup } from '../backups/index.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { buildManualRollbackPlan, MANUAL_PLAN_FACT, type ManualRollbackPlan, type ManualRollbackRequest } from '../domain/manual-rollback.js';
import { IMAGE_NAMES_FACT } from '../domain/release-history.js';
import { refuseWhenUnfinished } from './deploy.js';
import type { ExecutorEnv } from './executor-env.js';
import { Journal, newOperationId, readJournal } from '../state/journal.js';
import { foldJournal } from '../domain/journal-facts.js';
import { resolveManualRollback } from './manual-rollback-inputs.js';
import { withLiveRelease } from './live-release.js';
import { OperationRecorder } from './operation-recorder.js';
import type { OperationReport, ProgressListener } from './report.js';
import { rollBackFromJournal, rollbackFacts } from './rollback.js';
import { shortSha } from '../domain/ref.js';

export interface ManualRollbackRun {
  request: ManualRollbackRequest;
  /** "root via cli", "@alice via slack": shown to whoever finds the lock held. */
  requestedBy: string;
  /** The plan the person confirmed: refused when the environment changed since it was shown. */
  confirmed?: Pick<ManualRollbackPlan, 'fromSha' | 'toSha'> & { backup: string | null };
  onProgress?: ProgressListener;
  /** The operation ID chosen when the request was queued (its journal's name); a new one otherwise. */
  id?: string;
}

/** What would run, without the lock and without changing anything: the preview a person confirms. */
export async function previewManualRollback(x: ExecutorEnv, request: ManualRollbackRequest): Promise<ManualRollbackPlan> {
  refuseWhenRollbacksOff(x);
  return buildManualRollbackPlan((await resolveManualRollback(x, request)).inputs);
}

/** ROLLBACK_ENABLED=false (rollback.enabled) means no rollback at all, by hand included. */
export function refuseWhenRollbacksOff(x: Pick<ExecutorEnv, 'name' | 'env'>): void {
  if (x.env.rollback.enabled) return;
  throw new RipcordError('precondition_failed', `rollbacks are off for ${x.name} (rollback.enabled is false, or ROLLBACK_ENABLED=false)`,
    `set rollback.enabled: true in ripcord.yml (and unset ROLLBACK_ENABLED=false) to roll ${x.name} back`, ExitCode.refused);
}

export function describeRequest(r: ManualRollbackRequest): string {
  const level = r.level ? ` level ${r.level}` : '';
  return `rollback ${r.kind}${level}${r.ref ? ` ${r.ref}` : ''}${r.backup ? ` ${r.backup}` : ''}`;
}

function refuseIfChanged(plan: ManualRollbackPlan, confirmed: ManualRollbackRun['confirmed']): void {
  if (!confirmed) return;
  const now = { fromSha: plan.fromSha, toSha: plan.toSha, backup: plan.backup?.name ?? null };
  if (now.fromSha !== confirmed.fromSha || now.toSha !== confirmed.toSha || now.backup !== confirmed.backup) {
    throw new RipcordError('precondition_failed', `the environment changed while the rollback waited for confirmation (now ${shortSha(now.fromSha)} → ${shortSha(now.toSha)}${now.backup ? ` with ${now.backup}` : ''})`,
      'look at `ripcord rollback status` and start the rollback again', ExitCode.refused);
  }
}

/** A backup that fails verification is refused before anything is stopped or changed. */
async function refuseUnverifiable(x: ExecutorEnv, plan: ManualRollbackPlan): Promise<void> {
  if (!plan.backup) return;
  const verified = await verifyBackup(x.env, plan.backup.name);
  if (!verified.ok) {
    throw new RipcordError('precondition_failed', `backup ${plan.backup.name} failed verification (${verified.reasons.join('; ')}); nothing was changed`,
      'choose another backup (`ripcord backups list` shows which are verified)', ExitCode.refused);
  }
}

export async function runManualRollback(x: ExecutorEnv, run: ManualRollbackRun): Promise<OperationReport> {
  refuseWhenRollbacksOff(x);
  const id = run.id ?? newOperationId();
  const startedAt = new Date().toISOString();
  const lock = await x.locks.acquire(x.name, { operation: `${describeRequest(run.request)} by ${run.requestedBy}`, deploymentId: id });
  try {
    await refuseWhenUnfinished(x);
    const { inputs, imageNames } = await resolveManualRollback(x, run.request);
    const plan = buildManualRollbackPlan(inputs);
    refuseIfChanged(plan, run.confirmed);
    await refuseUnverifiable(x, plan);
    const journal = await Journal.create(x.stateDir, {
      id, kind: 'rollback', env: x.name, ref: plan.toRef ?? plan.toSha, targetSha: plan.toSha, previousSha: plan.fromSha,
      previousImages: { ...inputs.currentImages }, requestedBy: run.requestedBy,
    });
    const rec = OperationRecorder.forEnvironment(x, journal, { deployment: id, manual: true }, run.onProgress);
    try {
      if (lock.tookOverFrom) await rec.fact('lockTakenOver', lock.tookOverFrom);
      await rec.fact(IMAGE_NAMES_FACT, imageNames);
      await rec.fact(MANUAL_PLAN_FACT, plan);
      await journal.append({ type: 'state', state: 'rolling_back', reason: `${describeRequest(run.request)} requested by ${run.requestedBy}` });
      const result = await rollBackFromJournal(x, rec);
      const safety = foldJournal((await readJournal(journal.path)).entries).safetyBackup;
      return await withLiveRelease(x, {
        id, kind: 'rollback', environment: x.name, ref: plan.toRef ?? shortSha(plan.toSha, 12), previousSha: plan.fromSha, targetSha: plan.toSha,
        outcome: result.ok ? 'succeeded' : 'rollback_failed',
        ...(result.ok ? {} : { reason: result.reason ?? 'a rollback step failed' }),
        // Restored only when the restore step says so: a step that found nothing to put back keeps the database.
        ...(plan.backup && result.database?.action === 'restored' ? { restoredBackup: plan.backup.name } : {}), ...(safety ? { safetyBackup: safety } : {}),
        stages: [], rollback: rec.steps, ...rollbackFacts(result), startedAt, finishedAt: new Date().toISOString(),
      });
    } finally {
      await journal.close();
    }
  } finally {
    await lock.release();
  }
}
