/**
 * What a finished rollback did to the database, read from its journal (the truth, also after a
 * crash and a resume), so a report and its notification say what happened, never what a rollback
 * usually does.
 */
import type { JournalFacts } from './journal-facts.js';
import type { DatabaseRollback } from './operation-report.js';
import type { RollbackPlan } from './rollback-plan.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * `untouched` when the plan had no restore step; `kept` when the restore step found nothing to put
 * back; `restored` when it put a backup back; undefined when the restore step never finished ok
 * (the rollback failed, and its reason says where).
 */
export function databaseRollbackOf(facts: Pick<JournalFacts, 'steps' | 'safetyBackup'>, plan: Pick<RollbackPlan, 'steps'>): DatabaseRollback | undefined {
  const planned = plan.steps.find((s) => s.kind === 'restore_database');
  if (!planned) return { action: 'untouched' };
  const done = facts.steps.findLast((s) => s.step === 'restore_database' && s.outcome === 'ok');
  if (!done) return undefined;
  const why = text(done.evidence?.skipped);
  if (why) return { action: 'kept', why };
  return {
    action: 'restored',
    backup: planned.kind === 'restore_database' ? planned.backup : null,
    safetyBackup: text(done.evidence?.safetyBackup) ?? facts.safetyBackup,
    how: text(done.evidence?.how),
  };
}
