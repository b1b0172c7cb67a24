/**
 * The journal's entries: one JSON object per line, appended and fsynced before the action it
 * announces (src/state/journal.ts writes them). A discriminated union on `type`, so recovery
 * and reports can switch over them; {@link parseJournalEntry} checks lines read back from disk.
 */
import { DEPLOY_STAGES, type DeployStageName, type DeploymentState } from './deployment-state.js';
import type { RollbackStepKind } from './rollback-plan.js';

/** First line of every journal: what is being attempted, and what the environment looked like. */
export interface JournalHeader {
  type: 'header';
  version: 1;
  /** Unique, and the file's name: `<stateDir>/journal/<env>/<id>.jsonl`. */
  id: string;
  kind: 'deploy' | 'rollback';
  env: string;
  ref: string | null;
  /** Null until resolved; a later `targetSha` fact fills it in. */
  targetSha: string | null;
  /** HEAD before the deploy; null until preflight records it (a `previousSha` fact). */
  previousSha: string | null;
  /** Compose service → image ID (`sha256:…`) running before the deploy. */
  previousImages: Record<string, string>;
  startedAt: string;
  pid: number;
  host: string;
  /** Who asked and how, e.g. "@alice via slack". */
  requestedBy?: string;
}

export type Outcome = 'ok' | 'failed';

/** Every entry after the header, without its timestamp (the journal adds `at` when it appends). */
export type JournalEvent =
  | { type: 'state'; state: DeploymentState; reason?: string }
  | { type: 'stage_started'; stage: DeployStageName }
  | { type: 'stage_finished'; stage: DeployStageName; outcome: Outcome; reason?: string; evidence?: Record<string, unknown> }
  /** A fact later stages or the rollback need; see {@link FACT}. The last value of a key wins. */
  | { type: 'fact'; key: string; value: unknown }
  | { type: 'step_started'; step: RollbackStepKind }
  | { type: 'step_finished'; step: RollbackStepKind; outcome: Outcome; reason?: string; evidence?: Record<string, unknown> }
  /** An external program started (process group leader), so recovery can stop one left running. */
  | { type: 'child'; pid: number; argv: string[] };

/** An event as stored: with the ISO time it was appended. */
export type TimedJournalEvent = JournalEvent & { at: string };
export type JournalEntry = JournalHeader | TimedJournalEvent;

/** Fact keys the fold understands. Other keys are kept as they are in `JournalFacts.facts`. */
export const FACT = {
  targetSha: 'targetSha',
  previousSha: 'previousSha',
  /** service → image ID before the deploy. */
  previousImages: 'previousImages',
  /** The pre-deploy backup's name: restoring the database is possible only when this exists. */
  preDeployBackup: 'preDeployBackup',
  /** The database rollback strategy that prepared the backup (default dump_restore). */
  databaseStrategy: 'databaseStrategy',
  /** The safety backup taken by an interrupted restore, reused when it runs again. */
  safetyBackup: 'safetyBackup',
  /** service → image ID of what the build produced / what `up` started. */
  builtImages: 'builtImages',
  newImages: 'newImages',
  /** The database's schema and migrations record right before the migrations (domain/database-change.ts). */
  databaseStateBefore: 'databaseStateBefore',
  /** What a rollback decided about the database, and the rows a restore took away (domain/database-change.ts). */
  databaseRestore: 'databaseRestore',
  /** The owner of a stale lock this operation took over. */
  lockTakenOver: 'lockTakenOver',
} as const;

const STEP_KINDS: readonly string[] = ['git_reset', 'stop_new_services', 'restore_database', 'start_previous_images', 'health', 'integrity', 'settle_database', 'build_images', 'safety_backup', 'schema_command'];
const STATES: readonly string[] = ['queued', ...DEPLOY_STAGES, 'succeeded', 'rolling_back', 'rolled_back', 'rollback_failed', 'failed', 'refused'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown) => v === null || isStr(v);
const isOutcome = (v: unknown) => v === 'ok' || v === 'failed';
const isStage = (v: unknown) => isStr(v) && (DEPLOY_STAGES as readonly string[]).includes(v);
const isStep = (v: unknown) => isStr(v) && STEP_KINDS.includes(v);

/** True for a plain object whose values are all strings (service → image ID). */
export function isStringRecord(v: unknown): v is Record<string, string> {
  return isObj(v) && Object.values(v).every(isStr);
}

const CHECKS: Readonly<Record<JournalEntry['type'], (e: Obj) => boolean>> = {
  header: (e) => e.version === 1 && isStr(e.id) && (e.kind === 'deploy' || e.kind === 'rollback') && isStr(e.env)
    && isStrOrNull(e.ref) && isStrOrNull(e.targetSha) && isStrOrNull(e.previousSha) && isStringRecord(e.previousImages)
    && isStr(e.startedAt) && typeof e.pid === 'number' && isStr(e.host),
  state: (e) => isStr(e.state) && STATES.includes(e.state),
  stage_started: (e) => isStage(e.stage),
  stage_finished: (e) => isStage(e.stage) && isOutcome(e.outcome),
  fact: (e) => isStr(e.key) && 'value' in e,
  step_started: (e) => isStep(e.step),
  step_finished: (e) => isStep(e.step) && isOutcome(e.outcome),
  child: (e) => typeof e.pid === 'number' && Array.isArray(e.argv),
};

/** The entry when `value` (a parsed JSON line) is a well-formed journal entry, else null. */
export function parseJournalEntry(value: unknown): JournalEntry | null {
  if (!isObj(value) || !isStr(value.type) || !Object.hasOwn(CHECKS, value.type)) return null;
  const check = CHECKS[value.type as JournalEntry['type']];
  if (!check(value)) return null;
  if (value.type !== 'header' && !isStr(value.at)) return null;
  return value as unknown as JournalEntry;
}
