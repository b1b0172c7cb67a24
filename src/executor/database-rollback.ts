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
import { dropDatabases } from '../backups/database-swap.js';
import { readRecord, type BackupRecord } from '../backups/manifest.js';
import { openWriteHold, type WriteHold } from './write-hold.js';

/** Fact keys: the database's state before the migrations, and the snapshot a rollback would go back to. */
export const DATABASE_STATE_FACT = FACT.databaseStateBefore;
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
  /** Stops every running app service (never the database's), so that the app writes nothing during a restore; returns their names. */
  stopApp(): Promise<string[]>;
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
  /** The app services stopped to hold writes for the restore (none when the database was kept). */
  stopped?: string[];
  /** Set when the database was left alone, and why. */
  unchanged?: string;
  /** What was done, in a word or two, for the journal's evidence. */
  how: string;
}

export interface DatabaseRollbackStrategy {
  readonly name: DatabaseStrategyName;
  /** At the backup stage, before anything changes. */
  prepare(ctx: StrategyContext, releaseSha: string): Promise<PreparedRollback>;
  /**
   * Decides whether the database goes back (decideRestore); if so, holds writes (write-hold.ts),
   * keeps the current state, then brings back the prepared one.
   */
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
    // The dump's manifest records the state it holds: the one a rollback compares with.
    const record = await createBackup(ctx.env, { kind: 'predeploy', releaseSha });
    const snapshot = snapshotOfRecord(record);
    return { backup: record.name, facts: { [DATABASE_STATE_FACT]: record.databaseState, ...(snapshot ? { [SNAPSHOT_FACT]: snapshot } : {}) } };
  },
  async rollback(ctx, backup) {
    const db = connectionOf(await ctx.access()).dbname;
    const { ctx: view, writes } = await openWriteHold(ctx, heldName(db));
    const decision = await decideRestore(view, backup, writes);
    if (!decision.restore) return { safetyBackup: null, unchanged: decision.why, how: 'kept' };
    return restoreOverHold(view, writes, backup);
  },
  settle: () => Promise.resolve({}),
};

/**
 * The name the live database is held under while the pre-deploy dump is restored: the one a
 * `backups restore` retires it under (restore-into.ts), which renames it back if it finds it alone.
 */
export const heldName = (db: string) => `${db}__ripcord_old`;

/**
 * With writes held (write-hold.ts): a safety backup of the held database — taken once, journaled,
 * and reused by a run resumed under the same hold — then the dump restored under the live name.
 * A failure gives the database back as it was.
 */
export async function restoreOverHold(ctx: StrategyContext, writes: WriteHold, backup: string): Promise<RolledBack> {
  const { heldAs, state, stopped } = await writes.hold();
  const journaled = typeof ctx.facts[FACT.safetyBackup] === 'string' ? ctx.facts[FACT.safetyBackup] as string : null;
  if (state === 'replaced' && journaled) {
    // Cut short between the swap and the drop that follows it: the held copy's dump is verified.
    await dropDatabases(await ctx.access(), [heldAs]);
    return { safetyBackup: journaled, stopped, how: 'dump restored (by the run this one resumes)' };
  }
  try {
    let safety = journaled;
    if (!safety) {
      safety = (await createBackup(ctx.env, { kind: 'safety', database: heldAs })).name;
      await ctx.record(FACT.safetyBackup, safety);
    }
    // Whether a backup of another database may go in was settled before anything changed: by the
    // manual plan (refused without --from-other-database), or it is this deploy's own pre-deploy dump.
    await restoreBackup(ctx.env, backup, { skipSafety: true, heldAs, fromOtherDatabase: true });
    return { safetyBackup: safety, stopped, how: 'dump restored' };
  } catch (error) {
    await writes.release();
    throw error;
  }
}

/**
 * Whether the database goes back, decided once per rollback and journaled before anything changes:
 * a run resumed after a crash (perhaps after the restore already swapped the database) keeps the
 * first decision instead of deciding again from a database it changed itself. With a restore, the
 * rows written or rewritten since the snapshot are counted first, with writes held by `writes` from
 * then until the swap, so the count is final — or, when the live database is not the one the
 * snapshot was taken of, why they cannot be.
 */
export async function decideRestore(ctx: StrategyContext, backup: string, writes?: WriteHold): Promise<RestoreDecisionFact> {
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
  // A restore holds writes before the count, until the swap: the count is then final (write-hold.ts).
  const countIn = restore && writes ? (await writes.hold()).heldAs : db;
  const decision: RestoreDecisionFact = !restore ? { restore, why }
    : snapshot ? { restore, why, ...(await rowsSince(access, countIn, snapshot)), snapshotAt: snapshot.at }
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
