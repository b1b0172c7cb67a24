/**
 * Runs the rollback plan derived from a journal: after a failed stage, or on recovery after a crash.
 * Stops at the first step that fails — later steps assume the earlier ones held — except a failed
 * database restore: the live database is then exactly as the failed release left it (a restore
 * never half-happens), and the app is stopped. Starting the previous release again cannot make
 * that worse, so the rollback goes on to start it and check it, and the report says precisely
 * where the host stands.
 */
import { foldJournal } from '../domain/journal-facts.js';
import { buildRollbackPlan, stepsToRun, type RollbackPlan } from '../domain/rollback-plan.js';
import { databaseRollbackOf, describeDatabaseRollback } from '../domain/database-rollback-summary.js';
import type { DatabaseRollback, OperationReport } from '../domain/operation-report.js';
import { journaledRollbackPlan } from '../domain/manual-rollback.js';
import { NEW_IMAGES_FACT } from '../domain/release-history.js';
import { readJournal } from '../state/journal.js';
import type { ExecutorEnv } from './executor-env.js';
import type { OperationRecorder } from './operation-recorder.js';
import { runRollbackStep } from './rollback-steps.js';

export interface RollbackResult {
  ok: boolean;
  reason?: string;
  warnings: readonly string[];
  /** What the rollback did to the database, from the journal (see databaseRollbackOf). */
  database?: DatabaseRollback;
}

/** Steps after which the rollback goes on when they fail (see the file comment). */
const CONTINUE_AFTER: ReadonlySet<string> = new Set(['restore_database']);
/** Steps skipped once a restore failed: settling a strategy assumes the restore happened. */
const SKIP_AFTER_FAILED_RESTORE: ReadonlySet<string> = new Set(['settle_database']);

export async function rollBackFromJournal(x: ExecutorEnv, rec: OperationRecorder): Promise<RollbackResult> {
  // The journal on disk is the truth: fold it again rather than trust what this process remembers.
  const facts = foldJournal((await readJournal(rec.journal.path)).entries);
  // A manual rollback journaled its plan; a deploy's is derived from what the deploy did.
  const plan = journaledRollbackPlan(facts.facts) ?? buildRollbackPlan(facts);
  for (const warning of plan.warnings) x.log.warn({ warning }, 'rollback plan warning');
  const failures: string[] = [];
  for (const step of stepsToRun(plan.steps, facts.steps)) {
    if (failures.length > 0 && SKIP_AFTER_FAILED_RESTORE.has(step.kind)) continue;
    const current = foldJournal((await readJournal(rec.journal.path)).entries);
    const outcome = await rec.step(step.kind, () => runRollbackStep(x, rec, current, step));
    // A manual rollback changes the live release: what runs now is what a later rollback to it starts
    // again (the release history reads it). A deploy's rollback changes nothing there, so it skips the query.
    if (outcome.ok && step.kind === 'start_previous_images' && facts.header.kind === 'rollback') await rec.fact(NEW_IMAGES_FACT, await runningImages(x));
    if (!outcome.ok) {
      failures.push(outcome.reason ?? `${step.kind} failed`);
      if (!CONTINUE_AFTER.has(step.kind)) break;
    }
  }
  const done = await whatWasDone(rec, plan);
  if (failures.length > 0) {
    const steps = failures.length > 1 ? `${failures[0]!}; after that: ${failures.slice(1).join('; ')}` : failures[0]!;
    const reason = done.database?.action === 'not_restored' ? `${steps}. ${describeDatabaseRollback(done.database, facts.header.kind)}` : steps;
    await rec.journal.append({ type: 'state', state: 'rollback_failed', reason });
    return { ok: false, reason, ...done };
  }
  await rec.journal.append({ type: 'state', state: 'rolled_back', ...(plan.complete ? {} : { reason: plan.warnings.join('; ') }) });
  return { ok: true, ...done };
}

/** The plan's warnings and what the database got, read back from the journal as it now stands. */
async function whatWasDone(rec: OperationRecorder, plan: RollbackPlan): Promise<Pick<RollbackResult, 'warnings' | 'database'>> {
  const database = databaseRollbackOf(foldJournal((await readJournal(rec.journal.path)).entries), plan);
  return { warnings: plan.warnings, ...(database ? { database } : {}) };
}

/** service → image ID of every running service container (one-off containers aside). */
export async function runningImages(x: ExecutorEnv): Promise<Record<string, string>> {
  const containers = await x.runtime.serviceContainers(x.compose.project);
  return Object.fromEntries(containers.filter((c) => !c.oneOff).map((c) => [c.service, c.imageId]));
}

/** What a report says about a rollback besides its steps: what the database got, and the warnings. */
export function rollbackFacts(result: RollbackResult): Pick<OperationReport, 'database' | 'warnings'> {
  return { ...(result.database ? { database: result.database } : {}), ...(result.warnings.length ? { warnings: [...result.warnings] } : {}) };
}
