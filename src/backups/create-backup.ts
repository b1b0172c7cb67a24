/**
 * Takes a dump in PostgreSQL's custom format, streamed to a hidden partial file (mode 0600, in a
 * 0700 dir), hashed as it is written, and renamed into place only when complete. A failed dump —
 * disk full, database gone, cancelled — leaves no file behind and says why.
 */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killGroup, runCommand, type CommandResult } from '../adapters/process-runner.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { BadInputError, RipcordError } from '../domain/errors.js';
import { fsyncDir } from '../state/durable-fs.js';
import { accessOf } from './access.js';
import { ensureBackupDir, reserveBackupName, type BackupKind } from './backup-files.js';
import { toolVersion, unreachable } from './database-facts.js';
import { readDatabaseState } from './database-state.js';
import { DumpFile } from './dump-file.js';
import { openSnapshot, type SnapshotSession } from './dump-snapshot.js';
import { writeManifest, type BackupRecord } from './manifest.js';
import { connectionOf, dumpArgs, pgCommand, type DatabaseAccess } from './pg-commands.js';
import { verifyFile } from './verify-backup.js';

export interface CreateOptions {
  kind: BackupKind;
  releaseSha?: string | undefined;
  /** Stops the dump and removes the partial file (a deploy being cancelled). */
  signal?: AbortSignal | undefined;
  /** Verify before returning; always for predeploy and safety: a deploy may not proceed on an unverified dump. */
  verify?: boolean;
  /**
   * Dump this database of the same server instead of the app database: a kept copy of it (the
   * failed database a `clone_swap` rollback set aside). The manifest still names the app database,
   * whose state the dump holds and which a restore replaces.
   */
  database?: string | undefined;
}

const DUMP_TIMEOUT_MS = 6 * 3600_000;

export async function createBackup(env: EnvironmentConfig, opts: CreateOptions): Promise<BackupRecord> {
  if (env.backups.format !== 'custom') {
    throw new BadInputError(`backups.format "${env.backups.format}" is not supported yet`, 'set backups.format: custom (faster on bench/backup, see docs/BENCHMARKS.md)');
  }
  cancelled(opts.signal);
  ensureBackupDir(env.backups.dir);
  const access = await accessOf(env);
  const session = await openSnapshot(access, opts.database ?? connectionOf(access).dbname);
  try {
    const record = await dumpToFile(env.backups.dir, access, session, opts, env.database.migrations.table ?? null);
    if (opts.verify ?? (opts.kind === 'predeploy' || opts.kind === 'safety')) await verifyNew(access, record);
    return record;
  } finally {
    await session.close();
  }
}

/** Reserves a name, dumps into its partial file, renames it into place and writes the manifest. */
async function dumpToFile(dir: string, access: DatabaseAccess, session: SnapshotSession, opts: CreateOptions, migrationsTable: string | null): Promise<BackupRecord> {
  const dbname = opts.database ?? connectionOf(access).dbname;
  const pgDumpVersion = await toolVersion(access, 'pg_dump');
  const createdAt = new Date();
  const { name, partial, fd } = reserveBackupName(dir, opts.kind, createdAt);
  try {
    // Migrations do not run while a backup is taken (the deploy's lock), so a survey beside the dump sees what it holds.
    const [{ sha256, size, counts }, databaseState] = await Promise.all([
      dump(access, dbname, session, fd, dir, opts.signal),
      readDatabaseState(access, dbname, migrationsTable),
    ]);
    const database = connectionOf(access).dbname;
    renameSync(partial, join(dir, name));
    await fsyncDir(dir);
    const record: BackupRecord = {
      name, path: join(dir, name), kind: opts.kind, format: 'custom', sizeBytes: size, sha256, database,
      serverVersion: session.serverVersion, pgDumpVersion, releaseSha: opts.releaseSha ?? null, createdAt: createdAt.toISOString(),
      verifiedAt: null, snapshot: session.transactions, databaseState, ...(session.identity ? { databaseIdentity: session.identity } : {}), rowCounts: counts, hasManifest: true,
    };
    writeManifest(record);
    return record;
  } finally {
    rmSync(partial, { force: true });
  }
}

/** pg_dump inside the session's snapshot, streamed into `fd`, while the session counts rows. */
async function dump(access: DatabaseAccess, dbname: string, session: SnapshotSession, fd: number, dir: string, signal?: AbortSignal) {
  cancelled(signal);
  let pid: number | undefined;
  // A full disk or a cancel stops pg_dump at once instead of letting it run on for nothing.
  const stop = () => killGroup(pid, 'SIGKILL');
  const file = new DumpFile(fd, stop);
  signal?.addEventListener('abort', stop, { once: true });
  const counting = session.countRows().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  let r: CommandResult;
  try {
    r = await runCommand({ ...pgCommand(access, 'pg_dump', dumpArgs(dbname, session.snapshot)), stdout: file, timeoutMs: DUMP_TIMEOUT_MS, onSpawn: (p) => { pid = p; } });
  } finally {
    signal?.removeEventListener('abort', stop);
    await file.finish();
  }
  explainFailure(file, signal, r, access, dir);
  const counts = await counting;
  if (counts instanceof Error) throw unreachable(access, counts.message);
  return { sha256: file.sha256(), size: file.size, counts };
}

/** Throws the error that explains why a dump did not complete, if it did not. */
function explainFailure(file: DumpFile, signal: AbortSignal | undefined, r: CommandResult, access: DatabaseAccess, dir: string): void {
  if (file.failure) {
    const why = file.failure.code === 'ENOSPC' ? 'the backup disk is full' : file.failure.message;
    throw new RipcordError('precondition_failed', `backup failed: ${why}; the partial file was removed`,
      `free space in ${dir} (or set backups.dir to a larger disk), then try again`);
  }
  cancelled(signal);
  if (r.exitCode !== 0) throw unreachable(access, r.stderr || `pg_dump exit ${r.exitCode}`);
}

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new RipcordError('precondition_failed', 'backup cancelled; no backup file was left behind', 'start the backup again when ready');
  }
}

async function verifyNew(access: DatabaseAccess, record: BackupRecord): Promise<void> {
  const result = await verifyFile(access, record);
  if (!result.ok) {
    throw new RipcordError('precondition_failed', `backup ${record.name} failed verification: ${result.reasons.join('; ')}`, 'check free space and the database, then try again');
  }
  record.verifiedAt = new Date().toISOString();
  writeManifest(record);
}
