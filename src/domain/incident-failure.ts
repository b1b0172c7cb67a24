/**
 * What an incident says about the failure, read from the operation's journal alone: what failed,
 * which rollback steps ran and where they stopped, the backups that hold the state before, and
 * the operation's timeline with the journal's own times (detection, decision, rollback executed,
 * verification). The journal, not the report, so the CLI and a recovery read the same story.
 */
import type { IncidentFailure, TimelineEntry } from './incident.js';
import { foldJournal, type JournalFacts } from './journal-facts.js';
import type { JournalEntry } from './journal-entry.js';
import { databaseRollbackOf, describeDatabaseRollback } from './database-rollback-summary.js';
import { journaledRollbackPlan, MANUAL_PLAN_FACT, type ManualRollbackPlan } from './manual-rollback.js';
import { buildRollbackPlan } from './rollback-plan.js';
import type { OperationReport } from './operation-report.js';

const VERIFY_STEPS: readonly string[] = ['health', 'integrity'];
const AFTER_STEPS: readonly string[] = [...VERIFY_STEPS, 'settle_database'];

function stateAt(entries: readonly JournalEntry[], state: string): string | null {
  const e = entries.find((x) => x.type === 'state' && x.state === state);
  return e && e.type === 'state' ? e.at : null;
}

function manualPlan(f: JournalFacts): Partial<ManualRollbackPlan> | null {
  const plan = f.facts[MANUAL_PLAN_FACT];
  return plan && typeof plan === 'object' ? plan as Partial<ManualRollbackPlan> : null;
}

function plannedSteps(f: JournalFacts): string[] {
  const plan = manualPlan(f);
  const planned = Array.isArray(plan?.steps) ? plan.steps.map((s) => String((s as { kind?: unknown }).kind)) : [];
  const ran = f.steps.map((s) => s.step as string);
  return [...ran, ...planned.filter((p) => !ran.includes(p))];
}

/** The failure as the incident states it; null when the journal is not a failed rollback. */
export function failureFromJournal(entries: readonly JournalEntry[]): IncidentFailure | null {
  if (entries.length === 0 || entries[0]?.type !== 'header') return null;
  const f = foldJournal(entries);
  if (f.state !== 'rollback_failed') return null;
  const plan = manualPlan(f);
  const runs = new Map(f.steps.map((s) => [s.step as string, s]));
  const steps = plannedSteps(f).map((name) => {
    const run = runs.get(name);
    if (!run) return { name, outcome: 'not_run' as const };
    const outcome = run.outcome === 'ok' ? 'ok' as const : run.outcome === 'failed' ? 'failed' as const : 'not_run' as const;
    return { name, outcome, ...(run.reason ? { reason: run.reason } : {}) };
  });
  const stopped = steps.find((s) => s.outcome === 'failed');
  const stageFailure = f.failure ? `${f.failure.stage} failed${f.failure.reason ? `: ${f.failure.reason}` : ''}` : null;
  const rollbackFailure = stopped ? `rollback stopped at ${stopped.name}${stopped.reason ? `: ${stopped.reason}` : ''}` : (f.stateReason ?? 'the rollback failed');
  return {
    operationKind: f.header.kind,
    rollbackType: plan?.request?.kind ?? 'automatic',
    rollbackLevel: typeof plan?.level === 'number' ? plan.level : runs.has('restore_database') ? 3 : 1,
    ref: f.header.ref,
    previousSha: f.previousSha,
    targetSha: f.targetSha,
    reason: [stageFailure, rollbackFailure].filter(Boolean).join('; '),
    steps,
    stoppedAt: stopped?.name ?? null,
    safetyBackup: f.safetyBackup,
    preDeployBackup: f.preDeployBackup,
    database: databaseRollbackOf(f, journaledRollbackPlan(f.facts) ?? buildRollbackPlan(f)) ?? null,
    requestedBy: f.header.requestedBy ?? null,
    startedAt: f.header.startedAt,
    finishedAt: f.lastAt,
  };
}

/** The operation's part of the incident timeline, every time taken from the journal. */
export function timelineFromJournal(entries: readonly JournalEntry[]): TimelineEntry[] {
  if (entries.length === 0 || entries[0]?.type !== 'header') return [];
  const f = foldJournal(entries);
  const out: TimelineEntry[] = [];
  const failedStage = f.stages.find((s) => s.outcome === 'failed');
  const firstFailedStep = f.steps.find((s) => s.outcome === 'failed');
  const by = f.header.requestedBy ?? undefined;
  if (f.header.kind === 'deploy') {
    if (failedStage?.finishedAt) out.push({ at: failedStage.finishedAt, kind: 'detected', text: `${failedStage.stage} failed${failedStage.reason ? `: ${failedStage.reason}` : ''}` });
    const decided = stateAt(entries, 'rolling_back');
    if (decided) out.push({ at: decided, kind: 'decision', text: 'automatic rollback started', by: 'ripcord' });
  } else {
    out.push({ at: f.header.startedAt, kind: 'decision', text: `manual rollback (${manualPlan(f)?.request?.kind ?? 'rollback'}) started`, ...(by ? { by } : {}) });
  }
  const changing = f.steps.filter((s) => !AFTER_STEPS.includes(s.step) && s.finishedAt);
  const lastChange = changing[changing.length - 1];
  if (lastChange?.finishedAt) {
    out.push({ at: lastChange.finishedAt, kind: 'rollback_executed', text: `rollback steps ran: ${changing.map((s) => `${s.step} ${s.outcome ?? 'unfinished'}`).join(', ')}` });
  }
  const verify = f.steps.filter((s) => VERIFY_STEPS.includes(s.step) && s.finishedAt);
  const lastVerify = verify[verify.length - 1];
  if (lastVerify?.finishedAt) out.push({ at: lastVerify.finishedAt, kind: 'verification', text: `${lastVerify.step} ${lastVerify.outcome === 'ok' ? 'passed' : `failed${lastVerify.reason ? `: ${lastVerify.reason}` : ''}`}` });
  if (f.header.kind === 'rollback' && firstFailedStep?.finishedAt) {
    out.push({ at: firstFailedStep.finishedAt, kind: 'detected', text: `${firstFailedStep.step} failed${firstFailedStep.reason ? `: ${firstFailedStep.reason}` : ''}` });
  }
  const failedAt = stateAt(entries, 'rollback_failed');
  if (failedAt && !out.some((e) => e.kind === 'detected')) out.push({ at: failedAt, kind: 'detected', text: 'rollback failed' });
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/** When the journal cannot be read (moved, damaged): the same facts from the report, less exact. */
export function failureFromReport(report: OperationReport): IncidentFailure {
  const steps = (report.rollback ?? []).map((s) => ({ name: s.name, outcome: s.outcome, ...(s.reason ? { reason: s.reason } : {}) }));
  const stopped = steps.find((s) => s.outcome === 'failed');
  return {
    operationKind: report.kind, rollbackType: report.kind === 'deploy' ? 'automatic' : 'manual',
    rollbackLevel: steps.some((s) => s.name === 'restore_database') ? 3 : null,
    ref: report.ref ?? null, previousSha: report.previousSha ?? null, targetSha: report.targetSha ?? null,
    reason: report.reason ?? 'the rollback failed', steps, stoppedAt: stopped?.name ?? null,
    safetyBackup: report.safetyBackup ?? null, preDeployBackup: report.preDeployBackup ?? null, database: report.database ?? null, requestedBy: null,
    startedAt: report.startedAt, finishedAt: report.finishedAt,
  };
}

/**
 * What the failed rollback did to the database, in the report's words (the CLI and notifications
 * say the same); null for an incident recorded before this was kept.
 */
export function describeFailureDatabase(f: IncidentFailure): string | null {
  if (f.database === undefined) return null;
  if (f.database === null) return 'The rollback stopped before its database step finished: the database was not put back.';
  return describeDatabaseRollback(f.database, f.operationKind);
}

/** "deploy v1.1.0 failed; its rollback stopped at start_previous_images": the incident's one line. */
export function failureSummary(f: IncidentFailure): string {
  const what = f.operationKind === 'deploy' ? `deploy ${f.ref ?? f.targetSha?.slice(0, 12) ?? ''} failed; its rollback` : `${f.rollbackType} rollback`;
  return `${what.replace('  ', ' ')} ${f.stoppedAt ? `stopped at ${f.stoppedAt}` : 'failed'}`;
}
