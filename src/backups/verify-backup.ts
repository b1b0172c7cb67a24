/**
 * Is a backup intact and restorable? Custom dumps: checksum against the manifest plus
 * `pg_restore --list`. Old `*.sql.gz` dumps: `gzip -t` plus a PostgreSQL dump header. `deep`
 * restores into a throwaway database and compares row counts with the manifest's. The outcome is
 * written to the manifest: a pass stamps verifiedAt, a failure is remembered (failedVerification),
 * so every later listing shows the dump corrupt without hashing it again.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { runCommand } from '../adapters/process-runner.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { accessOf } from './access.js';
import { backupPath } from './backup-files.js';
import { checksum } from './file-checksum.js';
import { readRecord, writeManifest, type BackupRecord } from './manifest.js';
import { pgCommand, type DatabaseAccess } from './pg-commands.js';
import { restoreIntoDatabase, runFed, withThrowawayDatabase } from './restore-into.js';
import { rowCounts } from './database-facts.js';

export interface VerifyResult {
  ok: boolean;
  name: string;
  reasons: string[];
  checked: string[];
}

export async function verifyBackup(env: EnvironmentConfig, name: string, opts: { deep?: boolean } = {}): Promise<VerifyResult> {
  const record = readRecord(backupPath(env.backups.dir, name));
  const access = await accessOf(env);
  const result = await verifyFile(access, record);
  if (result.ok && opts.deep) await deepVerify(access, record, result);
  // A dump pruned while it was being checked must not get its manifest back.
  if (!existsSync(record.path)) return result;
  if (result.ok) await recordVerified(record);
  else if (!record.manifestProblem) recordFailed(record, result.reasons);
  return result;
}

/**
 * Stamps verifiedAt and forgets an earlier failure (the file was put back). An old-format dump gets
 * its first checksum here, so a dump the old scripts made is checked against the bytes it had when
 * Ripcord first verified it.
 */
async function recordVerified(record: BackupRecord): Promise<void> {
  const facts = record.sha256 ? {} : await checksum(record.path).then(({ sha256, size }) => ({ sha256, sizeBytes: size }));
  const { failedVerification: _forgotten, ...rest } = record;
  writeManifest({ ...rest, ...facts, verifiedAt: new Date().toISOString() });
}

/** Keeps the manifest's facts (what the dump should be) and adds why it is not that any more. */
function recordFailed(record: BackupRecord, reasons: string[]): void {
  writeManifest({ ...record, failedVerification: { at: new Date().toISOString(), reasons } });
}

export async function verifyFile(access: DatabaseAccess, record: BackupRecord): Promise<VerifyResult> {
  const result: VerifyResult = { ok: true, name: record.name, reasons: [], checked: [] };
  const fail = (reason: string) => { result.ok = false; result.reasons.push(reason); };
  if (record.manifestProblem) return fail(record.manifestProblem), result;
  if (record.sha256) {
    const { sha256, size } = await checksum(record.path);
    result.checked.push('sha256');
    if (size !== record.sizeBytes) fail(`size is ${size} bytes, the manifest says ${record.sizeBytes}`);
    if (sha256 !== record.sha256) fail(`sha256 ${sha256.slice(0, 16)}… does not match the manifest's ${record.sha256.slice(0, 16)}…`);
    if (!result.ok) return result;
  }
  if (record.format === 'sql.gz') return verifySqlGz(record, result, fail);
  const r = await runFed(pgCommand(access, 'pg_restore', ['--list']), createReadStream(record.path), 600_000);
  result.checked.push('pg_restore --list');
  if (r.sourceError) fail(`reading the file: ${r.sourceError.message}`);
  else if (r.exitCode !== 0) fail(`pg_restore --list: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.exitCode}`}`);
  return result;
}

async function verifySqlGz(record: BackupRecord, result: VerifyResult, fail: (r: string) => void): Promise<VerifyResult> {
  const t = await runCommand({ argv: ['gzip', '-t', record.path], timeoutMs: 600_000 });
  result.checked.push('gzip -t');
  if (t.exitCode !== 0) return fail(`gzip -t: ${t.stderr.trim() || 'corrupt'}`), result;
  const head = await firstBytes(record.path, 4096);
  result.checked.push('PostgreSQL dump header');
  if (!/PostgreSQL database dump/.test(head)) fail('the file is gzip but not a PostgreSQL dump (no "PostgreSQL database dump" header)');
  return result;
}

function firstBytes(path: string, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const stream = createReadStream(path).pipe(createGunzip());
    stream.on('data', (c: Buffer) => { text += c.toString('utf8'); if (text.length >= n) stream.destroy(); });
    stream.on('close', () => resolve(text.slice(0, n)));
    stream.on('end', () => resolve(text.slice(0, n)));
    stream.on('error', reject);
  });
}

async function deepVerify(access: DatabaseAccess, record: BackupRecord, result: VerifyResult): Promise<void> {
  await withThrowawayDatabase(access, record.database, async (scratch) => {
    await restoreIntoDatabase(access, record, scratch);
    result.checked.push(`restore into ${scratch}`);
    if (!record.rowCounts) return;
    const counts = await rowCounts(access, scratch);
    for (const [table, rows] of Object.entries(record.rowCounts)) {
      if (counts[table] !== rows) { result.ok = false; result.reasons.push(`${table}: ${counts[table] ?? 'missing'} rows restored, ${rows} dumped`); }
    }
    result.checked.push('row counts');
  });
}
