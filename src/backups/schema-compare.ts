/**
 * Does the live database still have the schema a backup has? A quick rollback restores the
 * previous release's pre-deploy dump only when it does not: the old code needs the old schema,
 * while rows written since the deploy are kept when the schema never changed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { Command } from '../adapters/process-runner.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { RipcordError } from '../domain/errors.js';
import { accessOf } from './access.js';
import { backupPath } from './backup-files.js';
import { readRecord } from './manifest.js';
import { connectionOf, pgCommand, type DatabaseAccess } from './pg-commands.js';
import { runFed } from './restore-into.js';

/** A schema line that says nothing about the schema: blank, a comment, pg_dump's per-run `\restrict` token. */
const isNoise = (line: string) => line.trim() === '' || line.startsWith('--') || /^\\(un)?restrict\b/.test(line);

/**
 * Hashes schema DDL as it streams, whole: a large schema (thousands of tables) is far longer than
 * the output tail a command result keeps, and a hash of that tail would call two schemas that
 * differ only in their first part equal. Noise lines are dropped, so two dumps of one schema hash
 * alike whoever wrote them.
 */
export class SchemaHasher extends Writable {
  private readonly hash = createHash('sha256');
  private partial = '';
  private first = true;

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.addLine(line);
    done();
  }

  /** The hash of every line written so far (the last, unterminated one included). */
  digest(): string {
    this.addLine(this.partial);
    this.partial = '';
    return this.hash.digest('hex');
  }

  private addLine(line: string): void {
    if (isNoise(line)) return;
    this.hash.update(this.first ? line : `\n${line}`);
    this.first = false;
  }
}

/** The hash of schema DDL given as text (what {@link SchemaHasher} computes from a stream). */
export function schemaHash(ddl: string): string {
  const hasher = new SchemaHasher();
  hasher.write(ddl);
  return hasher.digest();
}

/** Runs `cmd` with its whole stdout hashed as a schema; throws `failure(last stderr line)` when it fails. */
async function hashOutput(cmd: Command, source: ReturnType<typeof createReadStream> | undefined, failure: (why: string) => RipcordError): Promise<string> {
  const hasher = new SchemaHasher();
  const r = await runFed({ ...cmd, stdout: hasher }, source, 120_000);
  if (r.exitCode !== 0 || r.sourceError) throw failure(r.sourceError?.message ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`);
  return hasher.digest();
}

function liveSchemaHash(access: DatabaseAccess): Promise<string> {
  return hashOutput(pgCommand(access, 'pg_dump', ['--schema-only', '-d', connectionOf(access).dbname]), undefined,
    (why) => new RipcordError('unavailable', `reading the live schema failed: ${why}`, 'check the database with `ripcord doctor`'));
}

function backupSchemaHash(access: DatabaseAccess, path: string): Promise<string> {
  return hashOutput(pgCommand(access, 'pg_restore', ['--schema-only', '-f', '-']), createReadStream(path),
    (why) => new RipcordError('precondition_failed', `reading the schema of ${path} failed: ${why}`, 'verify the backup with `ripcord backups verify NAME`'));
}

/**
 * True when the live schema equals the backup's, false when it differs, null when it cannot be
 * told (an old plain-SQL dump): callers then assume it changed.
 */
export async function schemaMatchesBackup(env: EnvironmentConfig, name: string): Promise<boolean | null> {
  const record = readRecord(backupPath(env.backups.dir, name));
  if (record.format !== 'custom') return null;
  const access = await accessOf(env);
  const [live, backup] = await Promise.all([liveSchemaHash(access), backupSchemaHash(access, record.path)]);
  return live === backup;
}
