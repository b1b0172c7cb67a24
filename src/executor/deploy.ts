/**
 * A deployment: preflight → fetch → build → backup → migrate → static → up → health → integrity →
 * logs, under the environment lock, journaled before every action; on the first failure the
 * rollback plan derived from the journal puts the environment back.
 */
import { validateRef } from '../domain/ref.js';
import { buildDeployPlan, type StageSpec } from '../domain/plan.js';
import { RipcordError, ExitCode } from '../domain/errors.js';
import { Journal, listUnfinished, newOperationId } from '../state/journal.js';
import { LockHeldError } from '../state/environment-lock.js';
import { prepareDatabase, settleAfterDeploy } from './database-steps.js';
import type { ExecutorEnv } from './executor-env.js';
import { withLiveRelease } from './live-release.js';
import { OperationRecorder } from './operation-recorder.js';
import type { OperationReport, ProgressListener } from './report.js';
import { rollBackFromJournal, rollbackFacts } from './rollback.js';
import { stageContextOf } from './rollback-steps.js';
import { buildStage, serviceCommandStage, upStage } from './stages/compose-commands.js';
import { healthStage, integrityStage, logsStage } from './stages/checks.js';
import { ALLOWED_UNHEALTHY, preflightStage } from './stages/preflight.js';
import { failed, passed, type StageOutcome } from './stage-context.js';

export interface DeployRequest {
  ref: string;
  /** "@alice via slack", "root via cli": shown to whoever finds the lock held. */
  requestedBy: string;
  onProgress?: ProgressListener;
  /** The operation ID chosen when the request was queued (its journal's name); a new one otherwise. */
  id?: string;
  /**
   * Aborted when the operator interrupts (Ctrl-C in the CLI): the running stage is stopped and the
   * deploy rolls back like any failure. The abort reason, an Error, says why in words.
   */
  signal?: AbortSignal;
  /** Deploy even though the app fails its health check now (a fix forward); journaled and reported. */
  allowUnhealthy?: boolean;
}

export async function runDeploy(x: ExecutorEnv, req: DeployRequest): Promise<OperationReport> {
  validateRef(req.ref); // before the lock, before any git command
  const id = req.id ?? newOperationId();
  const startedAt = new Date().toISOString();
  const lock = await x.locks.acquire(x.name, { operation: `deploy ${req.ref} by ${req.requestedBy}`, deploymentId: id });
  try {
    await refuseWhenUnfinished(x);
    const journal = await Journal.create(x.stateDir, { id, kind: 'deploy', env: x.name, ref: req.ref, targetSha: null, previousSha: null, previousImages: {}, requestedBy: req.requestedBy });
    const rec = OperationRecorder.forEnvironment(x, journal, { deployment: id }, req.onProgress);
    try {
      if (lock.tookOverFrom) await rec.fact('lockTakenOver', lock.tookOverFrom);
      return await withLiveRelease(x, await runStages(x, rec, req, { id, startedAt }));
    } finally {
      await journal.close();
    }
  } finally {
    await lock.release();
  }
}

export async function refuseWhenUnfinished(x: ExecutorEnv): Promise<void> {
  const { unfinished } = await listUnfinished(x.stateDir, x.name);
  const first = unfinished[0];
  if (!first) return;
  throw new RipcordError('precondition_failed', `an interrupted ${first.facts.header.kind} (${first.facts.header.id}, ${first.facts.state}) of ${x.name} has not been recovered`,
    `run \`ripcord recover --env ${x.name}\` to roll it back, then deploy again`, ExitCode.refused);
}

async function runStages(x: ExecutorEnv, rec: OperationRecorder, req: DeployRequest, meta: { id: string; startedAt: string }): Promise<OperationReport> {
  // What preflight let pass that a person must know (an unhealthy app deployed over): in every report.
  let warnings: string[] = [];
  const report = (partial: Partial<OperationReport> & Pick<OperationReport, 'outcome'>): OperationReport => ({
    id: meta.id, kind: 'deploy', environment: x.name, ref: req.ref, stages: rec.stages, startedAt: meta.startedAt, finishedAt: new Date().toISOString(), ...partial,
    ...(warnings.length || partial.warnings?.length ? { warnings: [...warnings, ...(partial.warnings ?? [])] } : {}),
  });

  let target = { previousSha: '', targetSha: '' };
  const pre = await rec.stage('preflight', async () => {
    const o = await preflightStage(x, req.ref, rec.journal.path, { allowUnhealthy: req.allowUnhealthy ?? false });
    if (o.ok) target = { previousSha: String(o.facts?.previousSha), targetSha: String(o.facts?.targetSha) };
    const allowed = o.facts?.[ALLOWED_UNHEALTHY];
    if (typeof allowed === 'string') warnings = [`preflight: ${allowed}`];
    return o;
  });
  const early = interruption(req.signal);
  if (!pre.ok || early) {
    const why = pre.ok ? `${early} before anything changed` : pre.reason ?? 'preflight failed';
    await rec.journal.append({ type: 'state', state: 'refused', reason: why });
    return report({ outcome: 'refused', reason: why });
  }

  const plan = buildDeployPlan(x.env, { ref: req.ref, sha: target.targetSha }, { sha: target.previousSha });
  const deployStart = new Date();
  let preDeployBackup: string | undefined;
  for (const spec of plan.stages.filter((s) => s.name !== 'preflight')) {
    const outcome = await rec.stage(spec.name, async () => saidInterrupted(await runStage(x, rec, spec, target, deployStart, req.signal), spec.name, req.signal));
    if (spec.name === 'backup' && outcome.ok) preDeployBackup = String(outcome.facts?.preDeployBackup);
    const interrupted = interruption(req.signal);
    if (!outcome.ok || interrupted) {
      const why = interrupted ? `${interrupted} during ${spec.name}` : outcome.reason ?? `${spec.name} failed`;
      return finishFailed(x, rec, report, why, { ...target, ...(preDeployBackup ? { preDeployBackup } : {}) });
    }
  }
  await rec.journal.append({ type: 'state', state: 'succeeded' });
  await settleAfterDeploy(x, rec);
  return report({ outcome: 'succeeded', ...target, ...(preDeployBackup ? { preDeployBackup } : {}) });
}

/** Why the operator stopped the deploy, in words, once `signal` has aborted; null until then. */
function interruption(signal: AbortSignal | undefined): string | null {
  if (!signal?.aborted) return null;
  return signal.reason instanceof Error ? signal.reason.message : 'interrupted';
}

/** A stage cut short by the interruption fails for that reason, not for the kill it took to stop it. */
function saidInterrupted(outcome: StageOutcome, stage: string, signal: AbortSignal | undefined): StageOutcome {
  const why = interruption(signal);
  return outcome.ok || !why ? outcome : failed(`${stage}: ${why}`, outcome.evidence);
}

function runStage(x: ExecutorEnv, rec: OperationRecorder, spec: StageSpec, target: { previousSha: string; targetSha: string }, deployStart: Date, signal?: AbortSignal): Promise<StageOutcome> {
  // Stages stop their programs and waits when it aborts; the rollback's context never has it.
  const ctx = { ...stageContextOf(x, rec), ...(signal ? { signal } : {}) };
  switch (spec.name) {
    case 'backup':
      return prepareDatabase(x, rec, target.previousSha);
    case 'fetch':
      return x.repo.checkout(target.targetSha).then(() => passed(undefined, { head: target.targetSha }));
    case 'build': return buildStage(ctx);
    case 'migrate':
    case 'static':
      return spec.command ? serviceCommandStage(ctx, spec.name, { timeoutSeconds: 600, ...spec.command }) : Promise.resolve(passed());
    case 'up': return upStage(ctx);
    case 'health': return healthStage(ctx);
    case 'integrity': return integrityStage(ctx);
    case 'logs': return logsStage(ctx, deployStart);
    case 'preflight': return Promise.resolve(passed());
  }
}

async function finishFailed(
  x: ExecutorEnv, rec: OperationRecorder,
  report: (p: Partial<OperationReport> & Pick<OperationReport, 'outcome'>) => OperationReport,
  reason: string, extra: Partial<OperationReport>,
): Promise<OperationReport> {
  if (!x.env.rollback.enabled || !x.env.rollback.auto) {
    await rec.journal.append({ type: 'state', state: 'failed', reason });
    return report({ outcome: 'failed', reason: `${reason} (automatic rollback is off: ROLLBACK_ENABLED/AUTO_ROLLBACK)`, ...extra });
  }
  await rec.journal.append({ type: 'state', state: 'rolling_back', reason });
  const result = await rollBackFromJournal(x, rec);
  const outcome = result.ok ? 'rolled_back' : 'rollback_failed';
  const why = result.ok ? reason : `${reason}; rollback failed: ${result.reason}`;
  return report({ outcome, reason: why, rollback: rec.steps, ...rollbackFacts(result), ...extra });
}

export { LockHeldError };
