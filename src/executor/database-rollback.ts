/**
 * How a rollback puts the database back. A strategy behind a port, so the runner never knows which:
 * `dump_restore` (the verified pre-deploy dump, restored into a staging database and swapped in) or
 * `clone_swap` (clone-swap-strategy.ts: a clone taken before migrations, swapped back by rename).
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { DatabaseStrategyName } from '../domain/rollback-plan.js';
import { FACT } from '../domain/journal-entry.js';
import { createBackup, currentWalPosition, restoreBackup } from '../backups/index.js';
import type { DatabaseAccess } from '../backups/pg-commands.js';

/** Fact key: the database server's WAL position taken before the pre-deploy dump. */
export const WAL_POSITION = 'databaseWalPosition';

/** What a strategy may use: the environment, its database, and the operation's journal. */
export interface StrategyContext {
  env: EnvironmentConfig;
  /** The database as the executor already reaches it (no compose detection per call). */
  access(): Promise<DatabaseAccess>;
  /** Facts this operation journaled so far (last value per key): what an interrupted run already did. */
  facts: Readonly<Record<string, unknown>>;
  /** Journals a fact (fsynced) before the action it announces, so a crash mid-action can be finished. */
  record(key: string, value: unknown): Promise<void>;
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
    const walPosition = await currentWalPosition(ctx.env);
    const record = await createBackup(ctx.env, { kind: 'predeploy', releaseSha });
    return { backup: record.name, facts: { [WAL_POSITION]: walPosition } };
  },
  async rollback(ctx, backup) {
    // The app services are stopped by now, so the position cannot move under this check.
    const before = ctx.facts[WAL_POSITION];
    const now = typeof before === 'string' ? await currentWalPosition(ctx.env) : null;
    if (now !== null && now === before) {
      return { safetyBackup: null, unchanged: `nothing was written since the pre-deploy backup (WAL position ${now} unchanged)`, how: 'skipped' };
    }
    // A safety backup taken by an interrupted run of this step is reused, not taken again.
    let safety = typeof ctx.facts[FACT.safetyBackup] === 'string' ? ctx.facts[FACT.safetyBackup] as string : null;
    if (!safety) {
      safety = (await createBackup(ctx.env, { kind: 'safety' })).name;
      await ctx.record(FACT.safetyBackup, safety);
    }
    await restoreBackup(ctx.env, backup, { skipSafety: true });
    return { safetyBackup: safety, how: 'dump restored' };
  },
  settle: () => Promise.resolve({}),
};
