/**
 * The deployment state machine of DESIGN.md, as data plus pure functions. The journal records
 * every state; recovery reads the last one. A move the table does not allow is a bug in the
 * runner, so {@link transition} throws instead of letting a journal say something impossible.
 *
 * ```
 * queued → preflight → fetch → build → backup → migrate → static → up → health → integrity → logs → succeeded
 *                  any stage fails ─► rolling_back ─► rolled_back | rollback_failed
 * ```
 */
import { RipcordError } from './errors.js';

/** The stages of a deploy, in the order they run. Disabled stages are skipped, never reordered. */
export const DEPLOY_STAGES = ['preflight', 'fetch', 'build', 'backup', 'migrate', 'static', 'up', 'health', 'integrity', 'logs'] as const;
export type DeployStageName = (typeof DEPLOY_STAGES)[number];

/**
 * Where a deployment (or a rollback operation) stands.
 * - `queued`: accepted, nothing done yet.
 * - a stage name: that stage is running.
 * - `succeeded`: every stage passed.
 * - `rolling_back` → `rolled_back` | `rollback_failed`: undoing what ran.
 * - `failed`: a stage failed and automatic rollback is off (ROLLBACK_ENABLED/AUTO_ROLLBACK=false);
 *   the environment is left as the failed stage left it, for a person to roll back.
 * - `refused`: never started (lock held, bad input); nothing changed, so never offered for rollback.
 */
export type DeploymentState =
  | 'queued'
  | DeployStageName
  | 'succeeded'
  | 'rolling_back'
  | 'rolled_back'
  | 'rollback_failed'
  | 'failed'
  | 'refused';

export const TERMINAL_STATES = ['succeeded', 'rolled_back', 'rollback_failed', 'failed', 'refused'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** What happened, as the runner reports it. Each maps to exactly one next state. */
export type DeploymentEvent =
  | { type: 'stage_started'; stage: DeployStageName }
  /** The last check passed. */
  | { type: 'all_passed' }
  /** A stage failed (or the executor died during one): undo what ran, or stop when rollback is off. */
  | { type: 'stage_failed'; autoRollback: boolean }
  /** A manual rollback operation begins (its journal starts `queued`). */
  | { type: 'rollback_started' }
  | { type: 'rollback_finished'; ok: boolean }
  /** Nothing was changed and nothing will be: lock held, bad input. */
  | { type: 'refused' };

/** The stages after which a deploy may end in success: health always runs, integrity and logs may be off. */
const FINAL_CHECKS: readonly DeployStageName[] = ['health', 'integrity', 'logs'];

function stagesAfter(index: number): DeployStageName[] {
  return DEPLOY_STAGES.slice(index + 1);
}

function nextFromStage(stage: DeployStageName, index: number): DeploymentState[] {
  const next: DeploymentState[] = [...stagesAfter(index), 'rolling_back', 'failed'];
  if (FINAL_CHECKS.includes(stage)) next.push('succeeded');
  // The lock is taken in preflight, so a deploy refused for a held lock ends there.
  if (stage === 'preflight') next.push('refused');
  return next;
}

/**
 * Every allowed move, as data: printable, and the single source of truth for {@link transition}.
 * Stages only move forward (skipping disabled ones); terminal states go nowhere.
 */
export const ALLOWED_MOVES: Readonly<Record<DeploymentState, readonly DeploymentState[]>> = {
  queued: [...DEPLOY_STAGES, 'rolling_back', 'refused'],
  ...(Object.fromEntries(DEPLOY_STAGES.map((s, i) => [s, nextFromStage(s, i)])) as Record<DeployStageName, DeploymentState[]>),
  succeeded: [],
  rolling_back: ['rolled_back', 'rollback_failed'],
  rolled_back: [],
  rollback_failed: [],
  failed: [],
  refused: [],
};

/** A move the state machine forbids: a bug in the runner or a damaged journal, never a user error. */
export class IllegalTransitionError extends RipcordError {
  constructor(readonly from: DeploymentState, readonly to: DeploymentState) {
    super('precondition_failed', `illegal deployment state change ${from} → ${to}`,
      'this is a Ripcord bug: keep the journal file, report it, and check the environment with `ripcord status`');
  }
}

function targetOf(state: DeploymentState, event: DeploymentEvent): DeploymentState {
  switch (event.type) {
    case 'stage_started': return event.stage;
    case 'all_passed': return 'succeeded';
    case 'stage_failed': return event.autoRollback ? 'rolling_back' : 'failed';
    case 'rollback_started': return 'rolling_back';
    case 'rollback_finished': return event.ok ? 'rolled_back' : 'rollback_failed';
    case 'refused': return 'refused';
    default: throw new IllegalTransitionError(state, state);
  }
}

/** True when the state machine allows `from → to`. */
export function canMove(from: DeploymentState, to: DeploymentState): boolean {
  return ALLOWED_MOVES[from].includes(to);
}

/** The state after `event`; throws {@link IllegalTransitionError} when the move is not allowed. */
export function transition(state: DeploymentState, event: DeploymentEvent): DeploymentState {
  const to = targetOf(state, event);
  if (!canMove(state, to)) throw new IllegalTransitionError(state, to);
  return to;
}

/**
 * The event a journal entry records: a stage starting, or a state the runner enters. The journal
 * writes states (that is what recovery reads); {@link transition} moves on events, so every entry
 * that changes the state is checked against {@link ALLOWED_MOVES} before it is written.
 */
export function eventOfEntry(entry: { type: 'stage_started'; stage: DeployStageName } | { type: 'state'; state: DeploymentState }, from: DeploymentState): DeploymentEvent {
  if (entry.type === 'stage_started') return entry;
  switch (entry.state) {
    case 'succeeded': return { type: 'all_passed' };
    case 'failed': return { type: 'stage_failed', autoRollback: false };
    // Out of queued a rolling_back is a manual rollback starting; out of a stage, a failure undone.
    case 'rolling_back': return from === 'queued' ? { type: 'rollback_started' } : { type: 'stage_failed', autoRollback: true };
    case 'rolled_back': return { type: 'rollback_finished', ok: true };
    case 'rollback_failed': return { type: 'rollback_finished', ok: false };
    case 'refused': return { type: 'refused' };
    case 'queued': throw new IllegalTransitionError(from, 'queued');
    default: return { type: 'stage_started', stage: entry.state };
  }
}

export function isTerminal(state: DeploymentState): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

/**
 * True when a deployment that ended here left changes a person may want to undo by hand.
 * `refused` changed nothing; `rolled_back` already undid itself; unfinished ones belong to recovery.
 */
export function offeredForRollback(state: DeploymentState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'rollback_failed';
}
