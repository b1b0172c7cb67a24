/**
 * Takes a dump in PostgreSQL's custom format, streamed to a hidden partial file (mode 0600, in a
 * 0700 dir) and renamed into place only when complete and checksummed. A failed dump — disk full,
 * database gone — leaves no file behind and says why.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { killGroup, runCommand } from '../adapters/process-runner.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { RipcordError } from '../domain/errors.js';
import { fsyncDir } from '../executor/durable-fs.js';
import { accessOf } from './access.js';
import { ensureBackupDir, newBackupName, type BackupKind } from './backup-files.js';
import { rowCounts, serverVersion, toolVersion, unreachable } from './database-facts.js';
import { writeManifest, type BackupRecord } from './manifest.js';
import { connectionOf, pgCommand, type DatabaseAccess } from './pg-commands.js';
import { verifyFile } from './verify-backup.js';

export interface CreateOptions {
  kind: BackupKind;
  releaseSha?: string | undefined;
  /** Verify before returning (always for predeploy and safety: a deploy may not proceed on an unverified dump). */
  verify?: boolean;
}

export async function createBackup(env: EnvironmentConfig, opts: CreateOptions): Promise<BackupRecord> {
  const dir = env.backups.dir;
  ensureBackupDir(dir);
  const access = await accessOf(env);
  const conn = connectionOf(access);
  const [server, pgDump, counts] = [await serverVersion(access), await toolVersion(access, 'pg_dump'), await rowCounts(access, conn.dbname)];
  const createdAt = new Date();
  const name = newBackupName(dir, opts.kind, createdAt);
  const partial = join(dir, `.${name}.partial`);
  try {
    await dumpTo(access, conn.dbname, partial);
    const { sha256, size } = await checksum(partial);
    renameSync(partial, join(dir, name));
    await fsyncDir(dir);
    const record: BackupRecord = {
      name, path: join(dir, name), kind: opts.kind, format: 'custom', sizeBytes: size, sha256, database: conn.dbname,
      serverVersion: server, pgDumpVersion: pgDump, releaseSha: opts.releaseSha ?? null, createdAt: createdAt.toISOString(),
      verifiedAt: null, rowCounts: counts, hasManifest: true,
    };
    writeManifest(record);
    if (opts.verify ?? (opts.kind === 'predeploy' || opts.kind === 'safety')) {
      const result = await verifyFile(access, record);
      if (!result.ok) throw new RipcordError('precondition_failed', `backup ${name} failed verification: ${result.reasons.join('; ')}`, 'check free space and the database, then try again');
      record.verifiedAt = new Date().toISOString();
      writeManifest(record);
    }
    return record;
  } finally {
    rmSync(partial, { force: true });
  }
}

async function dumpTo(access: DatabaseAccess, dbname: string, path: string): Promise<void> {
  const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let pid: number | undefined;
  let writeError: NodeJS.ErrnoException | null = null;
  // If the disk fills, stop pg_dump at once instead of letting it block on a full pipe.
  file.on('error', (e) => { writeError = e; killGroup(pid, 'SIGKILL'); });
  const r = await runCommand({ ...pgCommand(access, 'pg_dump', ['-Fc', '-Z', '6', '-d', dbname]), stdout: file, timeoutMs: 6 * 3600_000, onSpawn: (p) => { pid = p; } });
  await closeAndSync(file, path).catch((e: NodeJS.ErrnoException) => { writeError ??= e; });
  if (writeError) {
    const e = writeError as NodeJS.ErrnoException;
    const why = e.code === 'ENOSPC' ? 'the backup disk is full' : e.message;
    throw new RipcordError('precondition_failed', `backup failed: ${why}; the partial file was removed`, `free space in ${path.replace(/\/[^/]*$/, '')} (or set backups.dir to a larger disk), then try again`);
  }
  if (r.exitCode !== 0) throw unreachable(access, r.stderr || `pg_dump exit ${r.exitCode}`);
}

function closeAndSync(file: WriteStream, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (file.destroyed) return resolve();
    file.end(() => resolve());
    file.once('error', reject);
  }).then(async () => {
    const fh = await open(path, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
  });
}

export async function checksum(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
