/**
 * How a rollback puts the database back. A strategy behind a port, so the runner never knows which:
 * `dump_restore` (the verified pre-deploy dump, restored into a staging database and swapped in) or
 * `clone_swap` (clone-swap-strategy.ts: a clone taken before migrations, swapped back by rename).
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { DatabaseStrategyName } from '../domain/rollback-plan.js';
import { FACT } from '../domain/journal-entry.js';
import { decideDatabaseRestore, type DatabaseState, type MigrateRun, type RestoreDecisionFact } from '../domain/database-change.js';
import { createBackup, restoreBackup } from '../backups/index.js';
import { whyRowsCannotBeCounted, type DatabaseIdentity } from '../domain/database-identity.js';
import { readDatabaseState, readLiveDatabase, rowsWrittenSince } from '../backups/database-state.js';
import { connectionOf, type DatabaseAccess } from '../backups/pg-commands.js';
import { backupPath } from '../backups/backup-files.js';
import { readRecord, type BackupRecord } from '../backups/manifest.js';

/** Fact keys: the database's state before the migrations, and the snapshot a rollback would go back to. */
export const DATABASE_STATE_FACT = 'databaseStateBefore';
export const SNAPSHOT_FACT = 'databaseSnapshot';
/** What the rollback decided about the database and what a restore took away (journaled before it acts). */
export const RESTORE_DECISION_FACT = FACT.databaseRestore;

/** The transactions a rollback's restore goes back to: those of the pre-deploy dump, or of a clone. */
export interface SnapshotFact {
  transactions: string;
  at: string;
  /** The dump or clone that holds it. */
  source: string;
  /** The database the snapshot was taken of; absent in journals and manifests of older Ripcord versions. */
  identity?: DatabaseIdentity;
}


/** What a strategy may use: the environment, its database, and the operation's journal. */
export interface StrategyContext {
  env: EnvironmentConfig;
  /** The database as the executor already reaches it (no compose detection per call). */
  access(): Promise<DatabaseAccess>;
  /** Facts this operation journaled so far (last value per key): what an interrupted run already did. */
  facts: Readonly<Record<string, unknown>>;
  /** Journals a fact (fsynced) before the action it announces, so a crash mid-action can be finished. */
  record(key: string, value: unknown): Promise<void>;
  /** How the deploy's migrate stage went: part of deciding whether the database must go back. */
  migrate: MigrateRun;
  /** A person chose this restore (a manual rollback): it happens, whatever the migrations did. */
  requested: boolean;
}

export interface PreparedRollback {
  /** The verified pre-deploy dump: every strategy takes one (the fallback when anything else is gone). */
  backup: string;
  /** Facts the rollback needs later, journaled with the backup stage. */
  facts: Record<string, unknown>;
}

export interface RolledBack {
  /** The dump of the database as it was before the rollback; null when none was needed (yet). */
  safetyBackup: string | null;
  /** Set when the database was left alone, and why. */
  unchanged?: string;
  /** What was done, in a word or two, for the journal's evidence. */
  how: string;
}

export interface DatabaseRollbackStrategy {
  readonly name: DatabaseStrategyName;
  /** At the backup stage, before anything changes. */
  prepare(ctx: StrategyContext, releaseSha: string): Promise<PreparedRollback>;
  /** The app services are stopped: keep the current state, then bring back the prepared one. */
  rollback(ctx: StrategyContext, backup: string): Promise<RolledBack>;
  /**
   * After a successful deploy, or after the rolled-back environment is healthy again: whatever the
   * strategy left to finish or tidy (e.g. a safety dump of a kept copy). Idempotent.
   */
  settle(ctx: StrategyContext): Promise<Record<string, unknown>>;
}

export const dumpRestoreStrategy: DatabaseRollbackStrategy = {
  name: 'dump_restore',
  async prepare(ctx, releaseSha) {
    const access = await ctx.access();
    const [record, state] = await Promise.all([
      createBackup(ctx.env, { kind: 'predeploy', releaseSha }),
      readDatabaseState(access, connectionOf(access).dbname, ctx.env.database.migrations.table),
    ]);
    const snapshot = snapshotOfRecord(record);
    return { backup: record.name, facts: { [DATABASE_STATE_FACT]: state, ...(snapshot ? { [SNAPSHOT_FACT]: snapshot } : {}) } };
  },
  async rollback(ctx, backup) {
    const decision = await decideRestore(ctx, backup);
    if (!decision.restore) return { safetyBackup: null, unchanged: decision.why, how: 'kept' };
    // A safety backup taken by an interrupted run of this step is reused, not taken again.
    let safety = typeof ctx.facts[FACT.safetyBackup] === 'string' ? ctx.facts[FACT.safetyBackup] as string : null;
    if (!safety) {
      safety = (await createBackup(ctx.env, { kind: 'safety' })).name;
      await ctx.record(FACT.safetyBackup, safety);
    }
    // Whether a backup of another database may go in was settled before anything changed: by the
    // manual plan (refused without --from-other-database), or it is this deploy's own pre-deploy dump.
    await restoreBackup(ctx.env, backup, { skipSafety: true, fromOtherDatabase: true });
    return { safetyBackup: safety, how: 'dump restored' };
  },
  settle: () => Promise.resolve({}),
};

/**
 * Whether the database goes back, decided once per rollback and journaled before anything changes:
 * a run resumed after a crash (perhaps after the restore already swapped the database) keeps the
 * first decision instead of deciding again from a database it changed itself. With a restore, the
 * rows written or rewritten since the snapshot are counted first — the app is stopped, so the count
 * is final — or, when the live database is not the one the snapshot was taken of, why they cannot be.
 */
export async function decideRestore(ctx: StrategyContext, backup: string): Promise<RestoreDecisionFact> {
  const journaled = ctx.facts[RESTORE_DECISION_FACT] as RestoreDecisionFact | undefined;
  if (journaled) return journaled;
  const access = await ctx.access();
  const db = connectionOf(access).dbname;
  const { restore, why } = ctx.requested
    ? { restore: true, why: `the rollback plan restores ${backup}` }
    : decideDatabaseRestore({
      before: (ctx.facts[DATABASE_STATE_FACT] ?? null) as DatabaseState | null,
      now: await readDatabaseState(access, db, ctx.env.database.migrations.table),
      migrate: ctx.migrate, eachInTransaction: ctx.env.database.migrations.eachInTransaction,
    });
  const snapshot = ctx.requested ? snapshotOfBackup(ctx.env, backup) : ctx.facts[SNAPSHOT_FACT] as SnapshotFact | undefined;
  const decision: RestoreDecisionFact = !restore ? { restore, why }
    : snapshot ? { restore, why, ...(await rowsSince(access, db, snapshot)), snapshotAt: snapshot.at }
      : { restore, why, rowsUncounted: `${backup} records no snapshot (an older Ripcord or an old-format dump made it)` };
  await ctx.record(RESTORE_DECISION_FACT, decision);
  return decision;
}

/** The rows written or rewritten since `snapshot`, counted only in the database it was taken of. */
async function rowsSince(access: DatabaseAccess, db: string, snapshot: SnapshotFact): Promise<Pick<RestoreDecisionFact, 'rowsWritten' | 'rowsUncounted'>> {
  const live = snapshot.identity ? await readLiveDatabase(access, db) : null;
  const uncounted = whyRowsCannotBeCounted({ taken: snapshot.identity, live, snapshot: snapshot.transactions, source: snapshot.source });
  return uncounted ? { rowsUncounted: uncounted } : { rowsWritten: await rowsWrittenSince(access, db, snapshot.transactions) };
}

function snapshotOfRecord(record: BackupRecord): SnapshotFact | null {
  if (!record.snapshot) return null;
  return { transactions: record.snapshot, at: record.createdAt, source: record.name, ...(record.databaseIdentity ? { identity: record.databaseIdentity } : {}) };
}

/** The snapshot a backup's manifest records (none for old-format dumps and older manifests). */
function snapshotOfBackup(env: EnvironmentConfig, name: string): SnapshotFact | undefined {
  try {
    return snapshotOfRecord(readRecord(backupPath(env.backups.dir, name))) ?? undefined;
  } catch {
    return undefined;
  }
}
