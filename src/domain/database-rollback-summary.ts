/**
 * What a finished rollback did to the database, read from its journal (the truth, also after a
 * crash and a resume), so a report and its notification say what happened, never what a rollback
 * usually does.
 */
import { describeRowsWritten, type RestoreDecisionFact } from './database-change.js';
import { FACT } from './journal-entry.js';
import type { JournalFacts } from './journal-facts.js';
import type { DatabaseRollback } from './operation-report.js';
import type { RollbackPlan } from './rollback-plan.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/** clone_swap's failed copy, kept as a database until its safety dump is verified (clone-swap-strategy.ts). */
const FAILED_COPY_FACT = 'databaseFailedCopy';

/**
 * `untouched` when the plan had no restore step; `kept` when the restore step decided nothing had
 * to go back; `restored` when it put a backup back; `not_restored` when a restore was decided and
 * the step failed; undefined when the step never finished (the rollback's reason says where).
 */
export function databaseRollbackOf(facts: Pick<JournalFacts, 'steps' | 'safetyBackup' | 'facts'>, plan: Pick<RollbackPlan, 'steps'>): DatabaseRollback | undefined {
  const planned = plan.steps.find((s) => s.kind === 'restore_database');
  if (!planned || planned.kind !== 'restore_database') return { action: 'untouched' };
  const decision = facts.facts[FACT.databaseRestore] as RestoreDecisionFact | undefined;
  const done = facts.steps.findLast((s) => s.step === 'restore_database' && s.outcome !== undefined);
  if (!done) return undefined;
  if (done.outcome === 'failed') return { action: 'not_restored', why: decision?.why ?? done.reason ?? 'the restore failed' };
  const kept = text(done.evidence?.kept) ?? text(done.evidence?.skipped);
  if (kept) return { action: 'kept', why: kept };
  const safetyBackup = text(done.evidence?.safetyBackup) ?? facts.safetyBackup;
  const failedCopy = text(facts.facts[FAILED_COPY_FACT]);
  const keptIn = safetyBackup ? `safety backup ${safetyBackup}` : failedCopy ? `database ${failedCopy} (kept until its safety dump is verified)` : undefined;
  return {
    action: 'restored', backup: planned.backup, safetyBackup, how: text(done.evidence?.how),
    ...(decision ? { why: decision.why } : {}),
    ...(decision?.rowsWritten && decision.snapshotAt ? { rowsLost: { total: describeRowsWritten(decision.rowsWritten).total, byTable: decision.rowsWritten, since: decision.snapshotAt } } : {}),
    ...(decision?.rowsUncounted ? { rowsUncounted: decision.rowsUncounted } : {}),
    ...(keptIn ? { keptIn } : {}),
  };
}

/** What the rollback did to the database, in sentences, for the terminal, notifications and Slack. */
export function describeDatabaseRollback(db: DatabaseRollback): string {
  switch (db.action) {
    case 'untouched': return 'The database was not touched: the deploy failed before any stage that can change it ran.';
    case 'kept': return `The database was kept as it is: ${db.why}.`;
    case 'not_restored': return `The database was NOT restored (${db.why}): it still has the failed release's changes; \`ripcord rollback backup NAME\` restores it once the cause is fixed.`;
    case 'restored': return `The database was put back to ${db.backup ? `the pre-deploy backup ${db.backup}` : 'its pre-deploy state'}${db.why ? `, because ${db.why}` : ''}.${lostRows(db)}`;
  }
}

function lostRows(db: Extract<DatabaseRollback, { action: 'restored' }>): string {
  const where = db.keptIn ?? (db.safetyBackup ? `safety backup ${db.safetyBackup}` : null);
  const back = db.safetyBackup ? ` To get them back: \`ripcord backups restore ${db.safetyBackup} --into NEW_DB\`, then copy the rows you need.` : '';
  if (db.rowsUncounted) {
    return ` The rows written since the snapshot cannot be counted: ${db.rowsUncounted}.${where ? ` The database as it was before this rollback, with all of them, is kept in ${where}.${back}` : ''}`;
  }
  if (!db.rowsLost) return where ? ` The database as the deploy left it is kept in ${where}.` : '';
  // Deletions leave no row behind to count, so a zero never claims that nothing was lost.
  if (db.rowsLost.total === 0) return ` No rows were written or rewritten since the snapshot (deletions cannot be counted).${where ? ` The database as the deploy left it is kept in ${where}.` : ''}`;
  const { text: rows } = describeRowsWritten(db.rowsLost.byTable);
  return ` ${rows.charAt(0).toUpperCase()}${rows.slice(1)} are not in it${where ? `; they are in ${where}` : ''}.${back}`;
}
