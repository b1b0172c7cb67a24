/**
 * Restoring without ever leaving a half-restored database: the dump goes into a fresh sibling
 * database; only when it restored completely are the two swapped by rename. A failed restore
 * drops the sibling and the live database is exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { runCommand } from '../adapters/process-runner.js';
import { RipcordError } from '../domain/errors.js';
import { sql } from './database-facts.js';
import type { BackupRecord } from './manifest.js';
import { pgCommand, quoteIdent, quoteLiteral, type DatabaseAccess } from './pg-commands.js';

const MAINTENANCE_DB = 'postgres';

/** Loads `record` into the (empty) database `target`; throws with pg_restore's/psql's last lines. */
export async function restoreIntoDatabase(access: DatabaseAccess, record: BackupRecord, target: string, jobs = 1): Promise<void> {
  const hostFile = Boolean(access.database.url);
  const r = record.format === 'sql.gz'
    ? await runCommand({ ...pgCommand(access, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target]), stdin: createReadStream(record.path).pipe(createGunzip()), timeoutMs: 6 * 3600_000 })
    : await runCommand({
      // Parallel jobs need a seekable file, which only the host has; in a container it is streamed.
      ...pgCommand(access, 'pg_restore', ['--exit-on-error', '-d', target, ...(hostFile && jobs > 1 ? ['-j', String(jobs), record.path] : [])]),
      ...(hostFile && jobs > 1 ? {} : { stdin: createReadStream(record.path) }),
      timeoutMs: 6 * 3600_000,
    });
  if (r.exitCode !== 0) {
    const last = r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' ');
    throw new RipcordError('precondition_failed', `restoring ${record.name} failed: ${last || `exit ${r.exitCode}`}`, 'see the error above; the backup may not match this server');
  }
}

/** A new empty database shaped like `like` (owner, encoding, collation). */
async function createLike(access: DatabaseAccess, like: string, name: string): Promise<void> {
  const props = await sql(access, MAINTENANCE_DB, `select pg_get_userbyid(datdba) || '|' || pg_encoding_to_char(encoding) || '|' || datcollate || '|' || datctype from pg_database where datname = ${quoteLiteral(like)}`);
  const [owner, encoding, collate, ctype] = props ? props.split('|') : [];
  const opts = owner ? ` OWNER ${quoteIdent(owner)} ENCODING ${quoteLiteral(encoding ?? 'UTF8')} LC_COLLATE ${quoteLiteral(collate ?? 'C')} LC_CTYPE ${quoteLiteral(ctype ?? 'C')}` : '';
  await sql(access, MAINTENANCE_DB, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0${opts}`);
}

async function dropIfExists(access: DatabaseAccess, name: string): Promise<void> {
  await sql(access, MAINTENANCE_DB, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

export async function withThrowawayDatabase<T>(access: DatabaseAccess, like: string, body: (name: string) => Promise<T>): Promise<T> {
  const name = `ripcord_verify_${randomBytes(4).toString('hex')}`;
  await createLike(access, like, name);
  try {
    return await body(name);
  } finally {
    await dropIfExists(access, name);
  }
}

const stagingName = (db: string) => `${db}__ripcord_restore`;
const retiredName = (db: string) => `${db}__ripcord_old`;

async function exists(access: DatabaseAccess, name: string): Promise<boolean> {
  return (await sql(access, MAINTENANCE_DB, `select 1 from pg_database where datname = ${quoteLiteral(name)}`)) === '1';
}

/** A crash between the two renames leaves the live name missing: put the old database back first. */
export async function repairInterruptedSwap(access: DatabaseAccess, db: string): Promise<void> {
  if (!(await exists(access, db)) && (await exists(access, retiredName(db)))) {
    await sql(access, MAINTENANCE_DB, `ALTER DATABASE ${quoteIdent(retiredName(db))} RENAME TO ${quoteIdent(db)}`);
    await sql(access, MAINTENANCE_DB, `ALTER DATABASE ${quoteIdent(db)} ALLOW_CONNECTIONS true`);
  }
}

/** Restores `record` over the live database `db` via a staged copy and a rename swap. */
export async function replaceDatabase(access: DatabaseAccess, record: BackupRecord, db: string, jobs: number): Promise<void> {
  await repairInterruptedSwap(access, db);
  const staging = stagingName(db);
  await dropIfExists(access, staging);
  await createLike(access, db, staging);
  try {
    await restoreIntoDatabase(access, record, staging, jobs);
  } catch (error) {
    await dropIfExists(access, staging);
    throw error;
  }
  await dropIfExists(access, retiredName(db));
  // No new sessions on the old database, end the ones there are, then swap names.
  await sql(access, MAINTENANCE_DB, `ALTER DATABASE ${quoteIdent(db)} ALLOW_CONNECTIONS false`);
  await sql(access, MAINTENANCE_DB, `select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = ${quoteLiteral(db)} and pid <> pg_backend_pid()`);
  await sql(access, MAINTENANCE_DB, `ALTER DATABASE ${quoteIdent(db)} RENAME TO ${quoteIdent(retiredName(db))}`);
  await sql(access, MAINTENANCE_DB, `ALTER DATABASE ${quoteIdent(staging)} RENAME TO ${quoteIdent(db)}`);
  await dropIfExists(access, retiredName(db));
}
