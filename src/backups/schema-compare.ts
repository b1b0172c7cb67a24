/**
 * Does the live database still have the schema a backup has? A quick rollback restores the
 * previous release's pre-deploy dump only when it does not: the old code needs the old schema,
 * while rows written since the deploy are kept when the schema never changed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { EnvironmentConfig } from '../config/schema.js';
import { RipcordError } from '../domain/errors.js';
import { accessOf } from './access.js';
import { backupPath } from './backup-files.js';
import { readRecord } from './manifest.js';
import { connectionOf, pgCommand, type DatabaseAccess } from './pg-commands.js';
import { runFed } from './restore-into.js';

/**
 * The schema DDL as a comparable hash: comments, blank lines and pg_dump's per-run `\restrict`
 * token dropped, so two dumps of one schema hash alike whoever wrote them.
 */
export function schemaHash(ddl: string): string {
  const kept = ddl.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('--') && !/^\\(un)?restrict\b/.test(l));
  return createHash('sha256').update(kept.join('\n')).digest('hex');
}

async function liveSchema(access: DatabaseAccess): Promise<string> {
  const r = await runFed(pgCommand(access, 'pg_dump', ['--schema-only', '-d', connectionOf(access).dbname]), undefined, 120_000);
  if (r.exitCode !== 0) throw new RipcordError('unavailable', `reading the live schema failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`}`, 'check the database with `ripcord doctor`');
  return r.stdout;
}

async function backupSchema(access: DatabaseAccess, path: string): Promise<string> {
  const r = await runFed(pgCommand(access, 'pg_restore', ['--schema-only', '-f', '-']), createReadStream(path), 120_000);
  if (r.exitCode !== 0) throw new RipcordError('precondition_failed', `reading the schema of ${path} failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`}`, 'verify the backup with `ripcord backups verify NAME`');
  return r.stdout;
}

/**
 * True when the live schema equals the backup's, false when it differs, null when it cannot be
 * told (an old plain-SQL dump): callers then assume it changed.
 */
export async function schemaMatchesBackup(env: EnvironmentConfig, name: string): Promise<boolean | null> {
  const record = readRecord(backupPath(env.backups.dir, name));
  if (record.format !== 'custom') return null;
  const access = await accessOf(env);
  const [live, backup] = await Promise.all([liveSchema(access), backupSchema(access, record.path)]);
  return schemaHash(live) === schemaHash(backup);
}
