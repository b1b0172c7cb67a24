/**
 * What a finished rollback did to the database, read from its journal (the truth, also after a
 * crash and a resume), so a report and its notification say what happened, never what a rollback
 * usually does.
 */
import { describeRowsWritten, type RestoreDecisionFact } from './database-change.js';
import { FACT } from './journal-entry.js';
import type { JournalFacts } from './journal-facts.js';
import { MANUAL_PLAN_FACT } from './manual-rollback.js';
import type { DatabaseRollback, OperationReport } from './operation-report.js';
import type { RollbackPlan, RollbackStep } from './rollback-plan.js';

/** The plan steps that change the database. */
type DatabaseStep = Extract<RollbackStep, { kind: 'restore_database' | 'schema_command' }>;

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/** clone_swap's failed copy, kept as a database until its safety dump is verified (clone-swap-strategy.ts). */
const FAILED_COPY_FACT = 'databaseFailedCopy';

/**
 * `untouched` when the plan had no database step (with the manual plan's reason, if it gave one);
 * `kept` when the restore step decided nothing had to go back; `restored` when it put a backup back;
 * `reversed` when a Level 2 reversal migration ran; `not_restored` when a database step was needed
 * and failed; undefined when the step never finished (the rollback's reason says where).
 */
export function databaseRollbackOf(facts: Pick<JournalFacts, 'steps' | 'safetyBackup' | 'facts'>, plan: Pick<RollbackPlan, 'steps'>): DatabaseRollback | undefined {
  const planned = plan.steps.find((s): s is DatabaseStep => s.kind === 'restore_database' || s.kind === 'schema_command');
  if (!planned) {
    const why = text(manualPlanOf(facts.facts)?.databaseReason);
    return why ? { action: 'untouched', why } : { action: 'untouched' };
  }
  const done = facts.steps.findLast((s) => s.step === planned.kind && s.outcome !== undefined);
  if (!done) return undefined;
  if (planned.kind === 'schema_command') {
    if (done.outcome === 'failed') return { action: 'not_restored', why: `the reversal migration \`${planned.command.command}\` failed${done.reason ? `: ${done.reason}` : ''}` };
    return { action: 'reversed', command: planned.command.command, safetyBackup: facts.safetyBackup };
  }
  const decision = facts.facts[FACT.databaseRestore] as RestoreDecisionFact | undefined;
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

function manualPlanOf(facts: Readonly<Record<string, unknown>>): { databaseReason?: unknown } | null {
  const plan = facts[MANUAL_PLAN_FACT];
  return plan && typeof plan === 'object' ? plan as { databaseReason?: unknown } : null;
}

/** What the database held before the rollback touched it, in the words of the operation that rolled back. */
const BEFORE: Record<OperationReport['kind'], string> = { deploy: 'as the deploy left it', rollback: 'as it was before this rollback' };

/**
 * What the rollback did to the database, in sentences, for the terminal, notifications and Slack.
 * `kind` words it: a deploy's own rollback speaks of the deploy, a manual rollback never does.
 */
export function describeDatabaseRollback(db: DatabaseRollback, kind: OperationReport['kind']): string {
  const manual = kind === 'rollback';
  switch (db.action) {
    case 'untouched':
      if (manual) return db.why ? `The database was kept: ${db.why}.` : 'The database was not part of this rollback: it was left as it was.';
      return 'The database was not touched: the deploy failed before any stage that can change it ran.';
    case 'kept': return `The database was kept as it is: ${db.why}.`;
    case 'reversed': return `The database schema was reversed by \`${db.command}\`${db.safetyBackup ? `; the database as it was before is kept in safety backup ${db.safetyBackup}` : ''}.`;
    case 'not_restored': return manual
      ? `The database was NOT put back (${db.why}): it is as the failed step left it; \`ripcord rollback backup NAME\` restores a backup once the cause is fixed.`
      : `The database was NOT restored (${db.why}): it still has the failed release's changes; \`ripcord rollback backup NAME\` restores it once the cause is fixed.`;
    case 'restored': return `${restoredFrom(db, manual)}${db.why ? `, because ${db.why}` : ''}.${lostRows(db, BEFORE[kind])}`;
  }
}

function restoredFrom(db: Extract<DatabaseRollback, { action: 'restored' }>, manual: boolean): string {
  if (manual) return `The database was restored from ${db.backup ? `backup ${db.backup}` : 'a backup'}`;
  return `The database was put back to ${db.backup ? `the pre-deploy backup ${db.backup}` : 'its pre-deploy state'}`;
}

function lostRows(db: Extract<DatabaseRollback, { action: 'restored' }>, before: string): string {
  const where = db.keptIn ?? (db.safetyBackup ? `safety backup ${db.safetyBackup}` : null);
  const back = db.safetyBackup ? ` To get them back: \`ripcord backups restore ${db.safetyBackup} --into NEW_DB\`, then copy the rows you need.` : '';
  if (db.rowsUncounted) {
    return ` The rows written since the snapshot cannot be counted: ${db.rowsUncounted}.${where ? ` The database as it was before this rollback, with all of them, is kept in ${where}.${back}` : ''}`;
  }
  if (!db.rowsLost) return where ? ` The database ${before} is kept in ${where}.` : '';
  // Deletions leave no row behind to count, so a zero never claims that nothing was lost.
  if (db.rowsLost.total === 0) return ` No rows were written or rewritten since the snapshot (deletions cannot be counted).${where ? ` The database ${before} is kept in ${where}.` : ''}`;
  const { text: rows } = describeRowsWritten(db.rowsLost.byTable);
  return ` ${rows.charAt(0).toUpperCase()}${rows.slice(1)} are not in it${where ? `; they are in ${where}` : ''}.${back}`;
}
