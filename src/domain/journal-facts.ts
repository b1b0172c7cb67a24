/**
 * Folds a journal into facts: where the deployment stands, what ran, what it recorded. Pure, so
 * recovery, the rollback plan builder, `ripcord status` and reports all read a journal the same way.
 */
import { RipcordError } from './errors.js';
import { canMove, isTerminal, type DeployStageName, type DeploymentState } from './deployment-state.js';
import { FACT, isStringRecord, type JournalEntry, type JournalHeader, type Outcome, type TimedJournalEvent } from './journal-entry.js';
import type { RollbackFacts, RollbackStepKind, StepProgress } from './rollback-plan.js';

export interface StageRun {
  stage: DeployStageName;
  startedAt: string;
  finishedAt: string | null;
  outcome: Outcome | null;
  reason?: string;
  evidence?: Record<string, unknown>;
}

export interface StepRun extends StepProgress {
  step: RollbackStepKind;
  startedAt: string;
  finishedAt: string | null;
  reason?: string;
  evidence?: Record<string, unknown>;
}

/** Everything a journal says, resolved: header values overridden by later facts of the same name. */
export interface JournalFacts extends RollbackFacts {
  header: JournalHeader;
  /** The last state; a `stage_started` entry counts as entering that stage. `queued` when none. */
  state: DeploymentState;
  /** The reason given with the last state entry (e.g. why it failed or was refused). */
  stateReason: string | null;
  finished: boolean;
  stages: StageRun[];
  stagesStarted: DeployStageName[];
  /** The first stage that finished `failed`. */
  failure: { stage: DeployStageName; reason: string | null } | null;
  steps: StepRun[];
  targetSha: string | null;
  safetyBackup: string | null;
  /** Every fact by key, last value wins, including ones the fold does not interpret. */
  facts: Record<string, unknown>;
  children: Array<{ pid: number; argv: string[]; at: string }>;
  /** Time of the last entry. */
  lastAt: string;
  /** Moves the state machine forbids, or facts of the wrong shape: reported, never fatal, so recovery still runs. */
  anomalies: string[];
}

function initial(header: JournalHeader): JournalFacts {
  return {
    header, state: 'queued', stateReason: null, finished: false, stages: [], stagesStarted: [], failure: null, steps: [],
    targetSha: header.targetSha, previousSha: header.previousSha, previousImages: header.previousImages,
    preDeployBackup: null, databaseStrategy: null, safetyBackup: null, facts: {}, children: [], lastAt: header.startedAt, anomalies: [],
  };
}

function enter(f: JournalFacts, state: DeploymentState, reason: string | null): void {
  if (!canMove(f.state, state)) f.anomalies.push(`state ${f.state} → ${state} is not an allowed move`);
  f.state = state;
  f.stateReason = reason;
}

function applyFact(f: JournalFacts, key: string, value: unknown): void {
  f.facts[key] = value;
  const str = typeof value === 'string' ? value : null;
  const wrong = () => f.anomalies.push(`fact ${key} has an unexpected value`);
  switch (key) {
    case FACT.targetSha: return void (str ? (f.targetSha = str) : wrong());
    case FACT.previousSha: return void (str ? (f.previousSha = str) : wrong());
    case FACT.preDeployBackup: return void (str ? (f.preDeployBackup = str) : wrong());
    case FACT.databaseStrategy: return void (str ? (f.databaseStrategy = str) : wrong());
    case FACT.safetyBackup: return void (str ? (f.safetyBackup = str) : wrong());
    case FACT.previousImages: return void (isStringRecord(value) ? (f.previousImages = value) : wrong());
  }
}

function finishStage(f: JournalFacts, e: Extract<TimedJournalEvent, { type: 'stage_finished' }>): void {
  const run = f.stages.findLast((s) => s.stage === e.stage && s.finishedAt === null);
  if (!run) return void f.anomalies.push(`stage ${e.stage} finished without starting`);
  Object.assign(run, { finishedAt: e.at, outcome: e.outcome }, e.reason ? { reason: e.reason } : {}, e.evidence ? { evidence: e.evidence } : {});
  if (e.outcome === 'failed' && !f.failure) f.failure = { stage: e.stage, reason: e.reason ?? null };
}

function finishStep(f: JournalFacts, e: Extract<TimedJournalEvent, { type: 'step_finished' }>): void {
  const run = f.steps.findLast((s) => s.step === e.step && s.finishedAt === null);
  if (!run) return void f.anomalies.push(`rollback step ${e.step} finished without starting`);
  Object.assign(run, { finishedAt: e.at, outcome: e.outcome }, e.reason ? { reason: e.reason } : {}, e.evidence ? { evidence: e.evidence } : {});
}

function apply(f: JournalFacts, e: TimedJournalEvent): void {
  f.lastAt = e.at;
  switch (e.type) {
    case 'state': return enter(f, e.state, e.reason ?? null);
    case 'stage_started':
      // Re-entering the current stage (the runner journals both `state` and `stage_started`) is not a move.
      if (f.state !== e.stage) enter(f, e.stage, null);
      f.stages.push({ stage: e.stage, startedAt: e.at, finishedAt: null, outcome: null });
      if (!f.stagesStarted.includes(e.stage)) f.stagesStarted.push(e.stage);
      return;
    case 'stage_finished': return finishStage(f, e);
    case 'fact': return applyFact(f, e.key, e.value);
    case 'step_started': return void f.steps.push({ step: e.step, startedAt: e.at, finishedAt: null });
    case 'step_finished': return finishStep(f, e);
    case 'child': return void f.children.push({ pid: e.pid, argv: e.argv, at: e.at });
  }
}

/** Facts from a journal's entries (header first). Throws only when there is no header. */
export function foldJournal(entries: readonly JournalEntry[]): JournalFacts {
  const [header, ...rest] = entries;
  if (!header || header.type !== 'header') {
    throw new RipcordError('precondition_failed', 'journal has no header line',
      'the file is not a Ripcord journal or its first line is damaged: move it out of the journal directory and check the environment with `ripcord status`');
  }
  const facts = initial(header);
  for (const entry of rest) {
    if (entry.type === 'header') facts.anomalies.push('a second header line');
    else apply(facts, entry);
  }
  facts.finished = isTerminal(facts.state);
  return facts;
}
