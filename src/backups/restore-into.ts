/**
 * Restoring without ever leaving a half-restored database: the dump goes into a fresh sibling
 * database; only when it restored completely are the two swapped by rename. A failed restore
 * drops the sibling and the live database is exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { killGroup, runCommand, type Command, type CommandResult } from '../adapters/process-runner.js';
import { BadInputError, RipcordError } from '../domain/errors.js';
import { sql, sqlSteps } from './database-facts.js';
import { createStatement, dropStatement, maintenanceDatabase, repairStatements, survey, swapStatements } from './database-swap.js';
import { moveIntoPlace } from './database-hold.js';
import type { BackupRecord } from './manifest.js';
import { connectionOf, pgCommand, restoreArgs, RESTORE_SESSION_ENV, sqlLoadArgs, type DatabaseAccess } from './pg-commands.js';

/** Loads `record` into the (empty) database `target`; throws with pg_restore's/psql's last lines. */
export async function restoreIntoDatabase(access: DatabaseAccess, record: BackupRecord, target: string, jobs = 1): Promise<void> {
  const { cmd, source } = loadCommand(access, record, target, jobs);
  const r = await runFed(cmd, source, 6 * 3600_000);
  if (r.exitCode !== 0 || r.sourceError) {
    const last = r.sourceError ? `reading the backup: ${r.sourceError.message}` : r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' ');
    throw new RipcordError('precondition_failed', `restoring ${record.name} failed: ${last || `exit ${r.exitCode}`}`, 'see the error above; the backup may not match this server');
  }
}

/**
 * psql for old `.sql.gz` dumps, pg_restore for custom ones. Parallel jobs need a seekable file,
 * which only the host has (URL mode); into a container the dump is streamed on stdin.
 */
function loadCommand(access: DatabaseAccess, record: BackupRecord, target: string, jobs: number): { cmd: Command; source?: Readable } {
  if (record.format === 'sql.gz') {
    const file = createReadStream(record.path);
    const plain = file.pipe(createGunzip()).once('close', () => file.destroy());
    return { cmd: pgCommand(access, 'psql', sqlLoadArgs(target), RESTORE_SESSION_ENV), source: plain };
  }
  const onHost = Boolean(access.database.url) && jobs > 1;
  const cmd = pgCommand(access, 'pg_restore', restoreArgs(target, { jobs, file: onHost ? record.path : undefined }), RESTORE_SESSION_ENV);
  return onHost ? { cmd } : { cmd, source: createReadStream(record.path) };
}

/**
 * Runs `cmd` with `source` on its stdin. If the source fails (a gzip stream that turns out corrupt,
 * a read error), the program is killed rather than left to take the truncated input as complete,
 * and the result says so.
 */
export async function runFed(cmd: Command, source: Readable | undefined, timeoutMs: number): Promise<CommandResult & { sourceError: Error | null }> {
  let pid: number | undefined;
  let sourceError: Error | null = null;
  source?.on('error', (e) => { sourceError ??= e; killGroup(pid, 'SIGKILL'); });
  try {
    const r = await runCommand({ ...cmd, ...(source ? { stdin: source } : {}), timeoutMs, onSpawn: (p) => { pid = p; } });
    return { ...r, sourceError };
  } finally {
    // A program may stop reading early (pg_restore --list reads only the TOC): close the file.
    source?.destroy();
  }
}

export async function withThrowawayDatabase<T>(access: DatabaseAccess, like: string, body: (name: string) => Promise<T>): Promise<T> {
  const name = `ripcord_verify_${randomBytes(4).toString('hex')}`;
  await sql(access, maintenanceDatabase(access), createStatement(name, (await survey(access, like, [])).props));
  try {
    return await body(name);
  } finally {
    await sql(access, maintenanceDatabase(access), dropStatement(name));
  }
}

const stagingName = (db: string) => `${db}__ripcord_restore`;
const retiredName = (db: string) => `${db}__ripcord_old`;

/** Restores `record` over the live database `db` via a staged copy and a rename swap. */
export async function replaceDatabase(access: DatabaseAccess, record: BackupRecord, db: string, jobs: number): Promise<void> {
  const staging = stagingName(db);
  const retired = retiredName(db);
  const found = await survey(access, db, [retired]);
  await sqlSteps(access, maintenanceDatabase(access), [...repairStatements(db, retired, found), dropStatement(staging), createStatement(staging, found.props)]);
  try {
    await restoreIntoDatabase(access, record, staging, jobs);
  } catch (error) {
    await sql(access, maintenanceDatabase(access), dropStatement(staging));
    throw error;
  }
  await sqlSteps(access, maintenanceDatabase(access), [dropStatement(retired), ...swapStatements(db, staging, retired), dropStatement(retired)]);
}

/**
 * Restores `record` under the name of `db`, which a rollback holds as `held` (database-hold.ts):
 * into a staging copy first; `held` is dropped only once the restored copy has its name. A failed
 * load drops the staging copy and leaves `held` as it was, for the caller to give back.
 */
export async function restoreOverHeld(access: DatabaseAccess, record: BackupRecord, db: string, held: string, jobs: number): Promise<void> {
  const staging = stagingName(db);
  const props = (await survey(access, held, [])).props;
  await sqlSteps(access, maintenanceDatabase(access), [dropStatement(staging), createStatement(staging, props)]);
  try {
    await restoreIntoDatabase(access, record, staging, jobs);
  } catch (error) {
    await sql(access, maintenanceDatabase(access), dropStatement(staging));
    throw error;
  }
  if (!(await moveIntoPlace(access, staging, db, [held]))) {
    throw new RipcordError('precondition_failed', `the restored copy ${staging} could not take the name ${db}: a database of that name was created meanwhile`,
      `look at ${db} (the database as it was before the rollback is ${held}), drop or rename it, then run \`ripcord recover\``);
  }
}

/** Loads `record` into a new database `name`, which must not exist yet; a failed load drops it again. */
export async function restoreAsNewDatabase(access: DatabaseAccess, record: BackupRecord, name: string, jobs: number): Promise<void> {
  const live = connectionOf(access).dbname;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new BadInputError(`"${name}" is not a database name Ripcord creates`, 'use lower-case letters, digits and _ (at most 63), e.g. app_rescued');
  const found = await survey(access, live, [name]);
  if (name === live || found.exists.has(name)) throw new BadInputError(`database ${name} already exists; nothing was changed`, 'choose a new name, e.g. app_rescued_2');
  await sql(access, maintenanceDatabase(access), createStatement(name, found.props));
  try {
    await restoreIntoDatabase(access, record, name, jobs);
  } catch (error) {
    await sql(access, maintenanceDatabase(access), dropStatement(name));
    throw error;
  }
}
