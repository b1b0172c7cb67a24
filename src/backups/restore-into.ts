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
import { RipcordError } from '../domain/errors.js';
import { sql, sqlSteps } from './database-facts.js';
import type { BackupRecord } from './manifest.js';
import { pgCommand, quoteIdent, quoteLiteral, restoreArgs, RESTORE_SESSION_ENV, sqlLoadArgs, type DatabaseAccess } from './pg-commands.js';

const MAINTENANCE_DB = 'postgres';

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

/** Owner, encoding and collation of `db`, and which of the names involved in a swap exist. */
async function survey(access: DatabaseAccess, db: string): Promise<{ props: string[]; live: boolean; retired: boolean }> {
  const out = await sql(access, MAINTENANCE_DB, `select coalesce((select pg_get_userbyid(datdba) || '|' || pg_encoding_to_char(encoding) || '|' || datcollate || '|' || datctype from pg_database where datname in (${quoteLiteral(db)}, ${quoteLiteral(retiredName(db))}) order by datname = ${quoteLiteral(db)} desc limit 1), '') || '#' || exists(select 1 from pg_database where datname = ${quoteLiteral(db)}) || '#' || exists(select 1 from pg_database where datname = ${quoteLiteral(retiredName(db))})`);
  const [props = '', live, retired] = out.split('#');
  return { props: props ? props.split('|') : [], live: live === 't', retired: retired === 't' };
}

/** CREATE DATABASE for an empty database shaped like the surveyed one. */
function createStatement(name: string, props: readonly string[]): string {
  const [owner, encoding, collate, ctype] = props;
  const opts = owner ? ` OWNER ${quoteIdent(owner)} ENCODING ${quoteLiteral(encoding ?? 'UTF8')} LC_COLLATE ${quoteLiteral(collate ?? 'C')} LC_CTYPE ${quoteLiteral(ctype ?? 'C')}` : '';
  return `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0${opts}`;
}

const dropStatement = (name: string) => `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`;

export async function withThrowawayDatabase<T>(access: DatabaseAccess, like: string, body: (name: string) => Promise<T>): Promise<T> {
  const name = `ripcord_verify_${randomBytes(4).toString('hex')}`;
  await sql(access, MAINTENANCE_DB, createStatement(name, (await survey(access, like)).props));
  try {
    return await body(name);
  } finally {
    await sql(access, MAINTENANCE_DB, dropStatement(name));
  }
}

const stagingName = (db: string) => `${db}__ripcord_restore`;
const retiredName = (db: string) => `${db}__ripcord_old`;

/** Restores `record` over the live database `db` via a staged copy and a rename swap. */
export async function replaceDatabase(access: DatabaseAccess, record: BackupRecord, db: string, jobs: number): Promise<void> {
  const staging = stagingName(db);
  const retired = retiredName(db);
  const found = await survey(access, db);
  // A crash between the two renames of an earlier swap left the live name missing: put it back first.
  const repair = !found.live && found.retired
    ? [`ALTER DATABASE ${quoteIdent(retired)} RENAME TO ${quoteIdent(db)}`, `ALTER DATABASE ${quoteIdent(db)} ALLOW_CONNECTIONS true`]
    : [];
  await sqlSteps(access, MAINTENANCE_DB, [...repair, dropStatement(staging), createStatement(staging, found.props)]);
  try {
    await restoreIntoDatabase(access, record, staging, jobs);
  } catch (error) {
    await sql(access, MAINTENANCE_DB, dropStatement(staging));
    throw error;
  }
  // No new sessions on the old database, end the ones there are, then swap names.
  await sqlSteps(access, MAINTENANCE_DB, [
    dropStatement(retired),
    `ALTER DATABASE ${quoteIdent(db)} ALLOW_CONNECTIONS false`,
    `select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = ${quoteLiteral(db)} and pid <> pg_backend_pid()`,
    `ALTER DATABASE ${quoteIdent(db)} RENAME TO ${quoteIdent(retired)}`,
    `ALTER DATABASE ${quoteIdent(staging)} RENAME TO ${quoteIdent(db)}`,
    dropStatement(retired),
  ]);
}
