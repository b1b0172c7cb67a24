/**
 * Runs the rollback plan derived from a journal: after a failed stage, or on recovery after a crash.
 * Stops at the first step that fails: later steps assume the earlier ones held.
 */
import { foldJournal } from '../domain/journal-facts.js';
import { buildRollbackPlan, stepsToRun } from '../domain/rollback-plan.js';
import { readJournal } from './journal.js';
import type { ExecutorEnv } from './executor-env.js';
import type { OperationRecorder } from './operation-recorder.js';
import { runRollbackStep } from './rollback-steps.js';

export interface RollbackResult {
  ok: boolean;
  reason?: string;
  warnings: readonly string[];
}

export async function rollBackFromJournal(x: ExecutorEnv, rec: OperationRecorder): Promise<RollbackResult> {
  // The journal on disk is the truth: fold it again rather than trust what this process remembers.
  const facts = foldJournal((await readJournal(rec.journal.path)).entries);
  const plan = buildRollbackPlan(facts);
  for (const warning of plan.warnings) x.log.warn({ warning }, 'rollback plan warning');
  for (const step of stepsToRun(plan.steps, facts.steps)) {
    const current = foldJournal((await readJournal(rec.journal.path)).entries);
    const outcome = await rec.step(step.kind, () => runRollbackStep(x, rec, current, step));
    if (!outcome.ok) {
      await rec.journal.append({ type: 'state', state: 'rollback_failed', reason: outcome.reason ?? step.kind });
      return { ok: false, reason: outcome.reason ?? `${step.kind} failed`, warnings: plan.warnings };
    }
  }
  await rec.journal.append({ type: 'state', state: 'rolled_back', ...(plan.complete ? {} : { reason: plan.warnings.join('; ') }) });
  return { ok: true, warnings: plan.warnings };
}
