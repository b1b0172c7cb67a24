/**
 * At-least-once delivery, exactly-once effect: BullMQ redelivers a job whose executor died, and
 * the journal decides what that redelivery does. Finished → its report, nothing run again;
 * interrupted → recovered (rolled back) like `ripcord recover`; never started → run.
 */
import { existsSync } from 'node:fs';
import { databaseRollbackOf } from '../domain/database-rollback-summary.js';
import { foldJournal, type JournalFacts } from '../domain/journal-facts.js';
import { journaledRollbackPlan } from '../domain/manual-rollback.js';
import type { DatabaseRollback } from '../domain/operation-report.js';
import { buildRollbackPlan } from '../domain/rollback-plan.js';
import { withLiveRelease } from '../executor/live-release.js';
import type { ExecutorEnv } from '../executor/executor-env.js';
import { recoverEnvironment } from '../executor/recovery.js';
import type { OperationReport, Outcome, ProgressListener, StepReport } from '../executor/report.js';
import { journalPath, readJournal } from '../state/journal.js';

export type PriorRun = { state: 'never_started' } | { state: 'finished'; report: OperationReport } | { state: 'interrupted' };

export async function priorRun(x: ExecutorEnv, operationId: string): Promise<PriorRun> {
  const path = journalPath(x.stateDir, x.name, operationId);
  if (!existsSync(path)) return { state: 'never_started' };
  const { entries } = await readJournal(path);
  if (entries.length === 0) return { state: 'never_started' };
  const facts = foldJournal(entries);
  return facts.finished ? { state: 'finished', report: await withLiveRelease(x, reportOfJournal(facts)) } : { state: 'interrupted' };
}

/** Finishes the interrupted journal (and any other of the environment) and returns this operation's report. */
export async function recoverInterrupted(x: ExecutorEnv, operationId: string, onProgress?: ProgressListener): Promise<OperationReport> {
  const result = await recoverEnvironment(x, onProgress);
  const mine = result.reports.find((r) => r.id === operationId);
  if (mine) return mine;
  const after = await priorRun(x, operationId);
  if (after.state === 'finished') return after.report;
  throw new Error(`operation ${operationId} could not be recovered; run \`ripcord recover --env ${x.name}\``);
}

const step = (name: string, startedAt: string, finishedAt: string | null, outcome: 'ok' | 'failed' | null, reason?: string): StepReport => ({
  name, outcome: outcome ?? 'failed', startedAt, durationMs: finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : 0, ...(reason ? { reason } : {}),
});

/** A database step that kept the database says why in its evidence, as the recorder reports it (operation-recorder.ts). */
function keptOf(evidence: Record<string, unknown> | undefined): Pick<StepReport, 'kept'> {
  return typeof evidence?.kept === 'string' && evidence.kept !== '' ? { kept: evidence.kept } : {};
}

/** What the rollback did to the database, read from the journal as the rollback itself reads it (rollback.ts). */
function databaseOf(f: JournalFacts): { database?: DatabaseRollback } {
  if (f.steps.length === 0) return {};
  const database = databaseRollbackOf(f, journaledRollbackPlan(f.facts) ?? buildRollbackPlan(f));
  return database ? { database } : {};
}

/** The report of a finished journal, for a redelivered job whose first delivery's report was lost. */
export function reportOfJournal(f: JournalFacts): OperationReport {
  const h = f.header;
  const manual = h.kind === 'rollback';
  const outcome: Outcome = manual && f.state === 'rolled_back' ? 'succeeded' : (f.state as Outcome);
  return {
    id: h.id, kind: h.kind, environment: h.env, ...(h.ref ? { ref: h.ref } : {}),
    ...(f.previousSha ? { previousSha: f.previousSha } : {}), ...(f.targetSha ? { targetSha: f.targetSha } : {}),
    outcome, ...(f.stateReason && outcome !== 'succeeded' ? { reason: f.stateReason } : {}),
    stages: f.stages.map((s) => step(s.stage, s.startedAt, s.finishedAt, s.outcome, s.reason)),
    ...(f.steps.length ? { rollback: f.steps.map((s) => ({ ...step(s.step, s.startedAt, s.finishedAt, s.outcome ?? null, s.reason), ...keptOf(s.evidence) })) } : {}),
    ...databaseOf(f),
    ...(f.preDeployBackup ? { preDeployBackup: f.preDeployBackup } : {}), ...(f.safetyBackup ? { safetyBackup: f.safetyBackup } : {}),
    startedAt: h.startedAt, finishedAt: f.lastAt,
  };
}
