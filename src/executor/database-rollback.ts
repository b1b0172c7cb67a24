/**
 * How a rollback puts the database back. A strategy behind a port, so the runner never knows which:
 * today `dump_restore` (the verified pre-deploy dump); a later `clone_swap` (clone before migrations,
 * swap back by rename) slots in by implementing the same two calls.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import { createBackup, currentWalPosition, restoreBackup } from '../backups/index.js';

export interface DatabaseRollbackStrategy {
  readonly name: string;
  /** Before anything changes: returns the facts rollback() needs (e.g. the backup's name). */
  prepare(env: EnvironmentConfig, releaseSha: string): Promise<PreparedRollback>;
  /**
   * Keeps the current state first (a safety backup), then brings back the prepared one — or, when
   * it can prove nothing was written since prepare(), leaves the database alone and says why.
   */
  rollback(env: EnvironmentConfig, prepared: PreparedRollback, hooks: RollbackHooks): Promise<{ safetyBackup: string | null; unchanged?: string }>;
}

export interface PreparedRollback {
  backup: string;
  /** The server's WAL position before the dump: unchanged at rollback time means no write happened. */
  walPosition?: string | undefined;
}

export interface RollbackHooks {
  /** Journals the safety backup before the restore begins, so a crash mid-restore can say which one holds the pre-restore state. */
  onSafetyBackup: (name: string) => void;
  /** A safety backup already taken by an interrupted run of this step: reuse it instead of taking another. */
  existingSafetyBackup?: string | undefined;
}

export const dumpRestoreStrategy: DatabaseRollbackStrategy = {
  name: 'dump_restore',
  async prepare(env, releaseSha) {
    const walPosition = await currentWalPosition(env);
    const record = await createBackup(env, { kind: 'predeploy', releaseSha });
    return { backup: record.name, walPosition };
  },
  async rollback(env, prepared, hooks) {
    // The app services are stopped by now, so the position cannot move under this check.
    const now = prepared.walPosition ? await currentWalPosition(env) : null;
    if (now !== null && now === prepared.walPosition) {
      return { safetyBackup: null, unchanged: `nothing was written since the pre-deploy backup (WAL position ${now} unchanged)` };
    }
    let safety = hooks.existingSafetyBackup;
    if (!safety) {
      safety = (await createBackup(env, { kind: 'safety' })).name;
      hooks.onSafetyBackup(safety);
    }
    await restoreBackup(env, prepared.backup, { skipSafety: true });
    return { safetyBackup: safety as string };
  },
};

export const databaseRollbackStrategies: Readonly<Record<string, DatabaseRollbackStrategy>> = {
  dump_restore: dumpRestoreStrategy,
};
