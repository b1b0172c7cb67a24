/**
 * What a deploy or rollback tells the outside while it runs (progress events) and when it ends
 * (the report). The CLI renders both to a terminal or JSON; Slack renders the same data.
 */

export type Outcome = 'succeeded' | 'rolled_back' | 'rollback_failed' | 'failed' | 'refused';

export interface StepReport {
  name: string;
  outcome: 'ok' | 'failed' | 'skipped';
  startedAt: string;
  durationMs: number;
  reason?: string;
  /** A database step that left the database as it was, and why: its name alone would claim a restore. */
  kept?: string;
}

/** The release the host runs once the operation ended, read from its checkout then (never from the plan). */
export interface LiveRelease {
  sha: string;
  /** A tag pointing at that commit (the operation's ref when it is one of them), when there is one. */
  tag?: string;
}

export interface OperationReport {
  id: string;
  kind: 'deploy' | 'rollback';
  environment: string;
  ref?: string;
  previousSha?: string;
  targetSha?: string;
  outcome: Outcome;
  /** In words, e.g. "health check: GET /health/ returned 503 5 times (expected 200)". */
  reason?: string;
  stages: StepReport[];
  rollback?: StepReport[];
  preDeployBackup?: string;
  /** What the rollback did to the database (absent when no rollback ran or it failed before deciding). */
  database?: DatabaseRollback;
  /** What the rollback could not do or check, in words; said wherever the outcome is. */
  warnings?: string[];
  /** Manual rollbacks: the backup the database was restored from, and the safety dump taken before. */
  restoredBackup?: string;
  safetyBackup?: string;
  /**
   * What the host's checkout is on after the operation, read from git once it finished: what a
   * rollback went back to, in fact. Absent when it could not be read (the message then says so).
   */
  live?: LiveRelease;
  startedAt: string;
  finishedAt: string;
}

/**
 * What a rollback did to the database, from its journal: restored from a backup (with why, and the
 * rows written or rewritten since the snapshot that the restore took away, or why they could not be
 * counted), kept (and why: no migration changed it), untouched (the plan had no database step: a
 * deploy that failed before any stage that can change it, or a manual rollback of code only, with
 * the plan's reason when it gave one), reversed (a manual Level 2 ran the reversal migration), or
 * not restored (a database step was needed and failed).
 */
export type DatabaseRollback =
  | {
    action: 'restored'; backup: string | null; safetyBackup: string | null; how: string | null;
    why?: string;
    /** Rows written or rewritten since the snapshot, per table, that the live database no longer has. */
    rowsLost?: { total: number; byTable: Record<string, number>; since: string };
    /** Why those rows could not be counted (e.g. the live database had been replaced since the snapshot). */
    rowsUncounted?: string;
    /** Where those rows (the database as it was before the rollback) are kept, in words. */
    keptIn?: string;
  }
  | { action: 'kept'; why: string }
  | { action: 'not_restored'; why: string }
  /** A manual Level 2: the configured reversal migration ran, after a safety dump. */
  | { action: 'reversed'; command: string; safetyBackup: string | null }
  /** `why`: a manual rollback's own reason for leaving the database alone (e.g. the schema is the same as in the backup). */
  | { action: 'untouched'; why?: string };

export type ProgressEvent =
  | { type: 'step_started'; phase: 'deploy' | 'rollback'; name: string; at: Date }
  | { type: 'step_finished'; phase: 'deploy' | 'rollback'; step: StepReport }
  | { type: 'note'; text: string };

export type ProgressListener = (event: ProgressEvent) => void;

/** Exit codes of `ripcord deploy` / `ripcord rollback`, from the outcome. */
export function exitCodeOf(outcome: Outcome): number {
  switch (outcome) {
    case 'succeeded': return 0;
    case 'refused': return 2;
    case 'rolled_back': return 3;
    case 'rollback_failed': return 4;
    case 'failed': return 1;
  }
}
