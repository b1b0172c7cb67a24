/**
 * How a rollback puts the database back. A strategy behind a port, so the runner never knows which:
 * today `dump_restore` (the verified pre-deploy dump); a later `clone_swap` (clone before migrations,
 * swap back by rename) slots in by implementing the same two calls.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import { createBackup, restoreBackup } from '../backups/index.js';

export interface DatabaseRollbackStrategy {
  readonly name: string;
  /** Before anything changes: returns the facts rollback() needs (e.g. the backup's name). */
  prepare(env: EnvironmentConfig, releaseSha: string): Promise<{ backup: string }>;
  /** Keeps the current state first (a safety backup), then brings back the prepared one. */
  rollback(env: EnvironmentConfig, prepared: { backup: string }, hooks: RollbackHooks): Promise<{ safetyBackup: string }>;
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
    const record = await createBackup(env, { kind: 'predeploy', releaseSha });
    return { backup: record.name };
  },
  async rollback(env, prepared, hooks) {
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
