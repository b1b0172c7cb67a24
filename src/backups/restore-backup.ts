/**
 * Restores a backup over the app database: verify first (refuse before touching anything), take a
 * safety backup of what is there now, then a staged restore and rename swap (restore-into.ts).
 */
import type { EnvironmentConfig } from '../config/schema.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { accessOf } from './access.js';
import { backupPath } from './backup-files.js';
import { createBackup } from './create-backup.js';
import { readRecord, type BackupRecord } from './manifest.js';
import { connectionOf } from './pg-commands.js';
import { restoreAsNewDatabase, restoreOverHeld, replaceDatabase } from './restore-into.js';
import { verifyFile } from './verify-backup.js';

export interface RestoreResult {
  restored: string;
  /** The dump of the database as it was just before; null when the caller took its own. */
  safetyBackup: string | null;
  durationMs: number;
}

export interface RestoreOptions {
  skipSafety?: boolean;
  /**
   * A rollback holds the live database under this name (backups/database-hold.ts) and took its own
   * safety backup of it; the restore then takes the live name, and the held one is dropped.
   */
  heldAs?: string;
  /** The person said so: a backup of another database (by name) may replace the app's. */
  fromOtherDatabase?: boolean;
}

/** The app's database, as ripcord.yml names it (database.name, or the database of database.url). */
export function appDatabaseName(env: EnvironmentConfig): string {
  return connectionOf({ database: env.database, cwd: env.appDir }).dbname;
}

/**
 * A dump of one database restored into another replaces every table the app has with those of a
 * database it never used: refused unless asked for by name. Old dumps without a manifest do not
 * say which database they hold (`unknown`): they pass, and previews say so.
 */
export function refuseOtherDatabase(env: EnvironmentConfig, record: Pick<BackupRecord, 'name' | 'database'>, allow: boolean): void {
  const app = appDatabaseName(env);
  if (allow || record.database === 'unknown' || record.database === app) return;
  throw new RipcordError('precondition_failed',
    `backup ${record.name} holds database ${record.database}, not ${app} (the app's database in ripcord.yml): restoring it would replace ${app}'s tables with those of ${record.database}; nothing was changed`,
    `choose a backup of ${app} (\`ripcord backups list\` shows each one's database), or pass --from-other-database if you mean to load ${record.database}'s data into ${app}`, ExitCode.refused);
}

export async function restoreBackup(env: EnvironmentConfig, name: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const started = Date.now();
  const record = readRecord(backupPath(env.backups.dir, name));
  refuseOtherDatabase(env, record, opts.fromOtherDatabase ?? false);
  const access = await accessOf(env);
  const verified = await verifyFile(access, record);
  if (!verified.ok) {
    throw new RipcordError('precondition_failed', `backup ${record.name} failed verification (${verified.reasons.join('; ')}); the database was not touched`,
      'restore another backup (`ripcord backups list` shows which are verified)', 2);
  }
  const safety = opts.skipSafety ? null : (await createBackup(env, { kind: 'safety' })).name;
  try {
    const db = connectionOf(access).dbname;
    if (opts.heldAs) await restoreOverHeld(access, record, db, opts.heldAs, env.backups.jobs);
    else await replaceDatabase(access, record, db, env.backups.jobs);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const back = safety ? ` Safety backup ${safety} holds the state before this restore.` : '';
    throw new RipcordError('precondition_failed', `restore of ${record.name} failed: ${why}. The live database was left unchanged.${back}`,
      safety ? `nothing to undo; to go back anyway: ripcord backups restore ${safety}` : 'nothing to undo: the live database was not changed');
  }
  return { restored: record.name, safetyBackup: safety, durationMs: Date.now() - started };
}

/**
 * Restores a backup into a new database `into` beside the live one, which is not touched: how a
 * person gets back rows a rollback's restore took away (they are in its safety backup). Refuses a
 * name that exists, so nothing is ever overwritten.
 */
export async function restoreBackupInto(env: EnvironmentConfig, name: string, into: string): Promise<RestoreResult & { database: string }> {
  const started = Date.now();
  const record = readRecord(backupPath(env.backups.dir, name));
  const access = await accessOf(env);
  const verified = await verifyFile(access, record);
  if (!verified.ok) {
    throw new RipcordError('precondition_failed', `backup ${record.name} failed verification (${verified.reasons.join('; ')}); nothing was created`,
      'restore another backup (`ripcord backups list` shows which are verified)', 2);
  }
  await restoreAsNewDatabase(access, record, into, env.backups.jobs);
  return { restored: record.name, safetyBackup: null, durationMs: Date.now() - started, database: into };
}
