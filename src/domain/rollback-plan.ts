/**
 * The rollback plan, derived from what a deployment actually did (its journal, folded into facts):
 * only what ran is undone, in the order of DESIGN.md — code, stop what the deploy started, database,
 * start — then the same checks as a deploy. Every step is idempotent except a finished database restore, which
 * {@link stepsToRun} never repeats, so a rollback interrupted by a crash is simply run again.
 */
import type { DeployStageName } from './deployment-state.js';
import { STAGE_UNDO, UNDO_ORDER, type UndoKind } from './plan.js';

/**
 * How the database is put back. A name in the plan, so a new strategy (e.g. `clone_swap`: clone
 * before migrations, swap back by rename) slots in without changing the plan or the runner.
 */
export type DatabaseStrategyName = 'dump_restore' | 'clone_swap' | (string & {});
export const DEFAULT_DATABASE_STRATEGY: DatabaseStrategyName = 'dump_restore';
/** Strategies that leave work for after the checks (a kept copy to dump, a clone to drop), even when the database was not restored. */
const SETTLED_STRATEGIES: ReadonlySet<string> = new Set(['clone_swap']);

/** One step of a rollback. `kind` is unique within a plan, so the journal names steps by it. */
export type RollbackStep =
  /**
   * What the database strategy left to finish (clone_swap: a verified safety dump of the failed
   * copy, then drop it and the clone): after the checks pass when a database was restored.
   */
  | { kind: 'settle_database'; strategy: DatabaseStrategyName }
  /** `git checkout --force --detach <sha>`: the code of the release that ran before. */
  | { kind: 'git_reset'; sha: string }
  /**
   * Stop what should not run on: without `scope`, every app service (never the database service) —
   * a manual rollback's. `scope: 'deploy'` (a failed deploy's): only what the deploy started — its
   * one-off commands and the containers its `up` created; the previous release's containers it never
   * replaced keep serving, and `restore_database` stops them only if the database must go back.
   */
  | { kind: 'stop_new_services'; scope?: 'deploy' }
  /** If the database must go back: writes held (app stopped, database out of reach), a safety backup, then `backup` back. */
  | { kind: 'restore_database'; strategy: DatabaseStrategyName; backup: string }
  /** Point each service back at its recorded image ID and start it; rebuild only images that are gone. */
  | { kind: 'start_previous_images'; images: Readonly<Record<string, string>>; rebuildMissing: boolean }
  | { kind: 'health' }
  | { kind: 'integrity' }
  /** Manual rollbacks: build images from the checked-out code when the target's image IDs are unknown or gone. */
  | { kind: 'build_images' }
  /** Manual Level 2: a safety dump before the schema step changes the database (kept forever). */
  | { kind: 'safety_backup' }
  /** Manual Level 2: the configured forward "reversal" migration, run in the release still deployed. */
  | { kind: 'schema_command'; command: { service: string; command: string; timeoutSeconds?: number }; targetSha: string };

export type RollbackStepKind = RollbackStep['kind'];

export interface RollbackPlan {
  kind: 'rollback';
  /** The SHA the code goes back to, when the deploy got as far as changing it. */
  toSha: string | null;
  steps: readonly RollbackStep[];
  /** What cannot be undone and why, in words; shown before the rollback and in the report. */
  warnings: readonly string[];
  /** False when a warning means the environment will not be exactly as it was before. */
  complete: boolean;
}

/** What the plan builder needs from a folded journal (`JournalFacts` satisfies it). */
export interface RollbackFacts {
  /** Every stage that started, finished or not: a stage that began may have changed things. */
  stagesStarted: readonly DeployStageName[];
  previousSha: string | null;
  previousImages: Readonly<Record<string, string>>;
  preDeployBackup: string | null;
  databaseStrategy: string | null;
}

/** Steps whose finished run must never be repeated: restoring (or migrating) again would drop what happened since. */
const RUN_ONCE: ReadonlySet<RollbackStepKind> = new Set(['restore_database', 'schema_command']);

export function mustNotRepeat(step: RollbackStep): boolean {
  return RUN_ONCE.has(step.kind);
}

function undoNeeded(stages: readonly DeployStageName[]): Set<UndoKind> {
  return new Set(stages.flatMap((s) => STAGE_UNDO[s]));
}

/** A step, and/or a warning; `lossy` when the warning means the environment will not be exactly as before. */
type Built = { steps?: RollbackStep[]; warning?: string; lossy?: boolean };

function undoStep(kind: UndoKind, facts: RollbackFacts): Built {
  switch (kind) {
    case 'git_reset':
      return facts.previousSha
        ? { steps: [{ kind, sha: facts.previousSha }] }
        : { warning: 'the code changed but the SHA before the deploy was not recorded: check out the previous release by hand', lossy: true };
    case 'stop_new_services':
      return { steps: [{ kind, scope: 'deploy' }] };
    case 'restore_database':
      return facts.preDeployBackup
        ? { steps: [{ kind, strategy: facts.databaseStrategy ?? DEFAULT_DATABASE_STRATEGY, backup: facts.preDeployBackup }] }
        : { warning: 'the database may have changed but there is no pre-deploy backup (backups are off or the backup never finished): it is not restored', lossy: true };
    case 'start_previous_images': {
      const none = Object.keys(facts.previousImages).length === 0;
      const start: RollbackStep = { kind, images: facts.previousImages, rebuildMissing: true };
      return {
        // With no image IDs to go back to, the images are built from the previous code (checked out by then).
        steps: none ? [{ kind: 'build_images' }, start] : [start],
        ...(none ? { warning: 'no image IDs were recorded before the deploy: services are rebuilt from the previous code' } : {}),
      };
    }
  }
}

/**
 * The rollback of a deployment from what actually ran. A deploy that changed nothing yet (it
 * failed in preflight or backup) still gets the checks, which confirm the environment is healthy.
 */
export function buildRollbackPlan(facts: RollbackFacts): RollbackPlan {
  const needed = undoNeeded(facts.stagesStarted);
  const steps: RollbackStep[] = [];
  const warnings: string[] = [];
  let complete = true;
  for (const kind of UNDO_ORDER) {
    if (!needed.has(kind)) continue;
    const built = undoStep(kind, facts);
    steps.push(...(built.steps ?? []));
    if (built.warning) warnings.push(built.warning);
    if (built.lossy) complete = false;
  }
  // With a database restored, settling (a slow dump of the failed copy) waits until the checks
  // pass; with none, it only drops a clone and makes sure connections are allowed, which the
  // checks may need (a clone cut short by a crash), so it goes first.
  const settle: RollbackStep | null = facts.databaseStrategy && SETTLED_STRATEGIES.has(facts.databaseStrategy) ? { kind: 'settle_database', strategy: facts.databaseStrategy } : null;
  const restores = steps.some((s) => s.kind === 'restore_database');
  if (settle && !restores) steps.push(settle);
  steps.push({ kind: 'health' }, { kind: 'integrity' });
  if (settle && restores) steps.push(settle);
  const toSha = steps.some((s) => s.kind === 'git_reset') ? facts.previousSha : null;
  return { kind: 'rollback', toSha, steps, warnings, complete };
}

/** What the journal says about one rollback step. */
export interface StepProgress {
  step: RollbackStepKind;
  outcome?: 'ok' | 'failed';
}

/**
 * The steps still to run when a rollback resumes after a crash. Steps not finished run again (they
 * are idempotent); finished ones run again too — cheap, and the checks must see the environment as
 * it is now — except those that {@link mustNotRepeat}.
 */
export function stepsToRun(steps: readonly RollbackStep[], progress: readonly StepProgress[]): RollbackStep[] {
  const finishedOk = new Set(progress.filter((p) => p.outcome === 'ok').map((p) => p.step));
  return steps.filter((s) => !(finishedOk.has(s.kind) && mustNotRepeat(s)));
}
