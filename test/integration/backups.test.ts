/**
 * Backups on real PostgreSQL (URL mode, the host's pg_dump/pg_restore): create → verify → restore,
 * an old-format `pg_dump | gzip` dump, and the bad-input cases: a changed byte, a path outside the
 * backup dir, a full disk, an unreachable database. Nothing is lost in any of them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createBackup, listBackups, pruneBackups, restoreBackup, verifyBackup } from '../../src/backups/index.js';
import { environmentSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { requirePostgres } from '../support/require-services.js';
import { freePort } from '../support/stack/stack-helpers.js';

const db = `ripcord_bk_${randomBytes(4).toString('hex')}`;
const root = mkdtempSync(join(tmpdir(), 'ripcord-backups-'));
const backupDir = join(root, 'backups');
const psql = (sql: string, database = db) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-X', '-Atc', sql], { encoding: 'utf8' }).trim();

function envFor(dir: string, url = `postgres://postgres@127.0.0.1:5432/${db}`): EnvironmentConfig {
  return environmentSchema.parse({ appDir: root, database: { url }, backups: { dir }, health: { url: 'http://127.0.0.1:1/' } });
}

before(async () => {
  await requirePostgres();
  psql(`CREATE DATABASE ${db}`, 'postgres');
  psql("CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 500) g");
});

after(() => {
  psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, 'postgres');
  psql(`DROP DATABASE IF EXISTS ${db}__ripcord_restore WITH (FORCE)`, 'postgres');
  rmSync(root, { recursive: true, force: true });
});

test('create, verify (also deep), change the data, restore: the data is back and a safety backup holds the other state', async () => {
  const env = envFor(backupDir);
  const record = await createBackup(env, { kind: 'manual', verify: true });
  assert.match(record.name, /^backup_\d{8}_\d{6}\.dump$/);
  assert.equal(readFileSync(join(backupDir, `${record.name}.json`), 'utf8').includes(record.sha256 ?? 'x'), true);
  assert.equal((await import('node:fs')).statSync(record.path).mode & 0o777, 0o600);
  assert.deepEqual(record.rowCounts, { 'public.items': 500 });
  assert.equal((await verifyBackup(env, record.name, { deep: true })).ok, true);
  psql('DELETE FROM items WHERE id > 10');
  const restored = await restoreBackup(env, record.name);
  assert.equal(psql('SELECT count(*) FROM items'), '500');
  assert.match(restored.safetyBackup ?? '', /^safety_backup_/);
  const list = await listBackups(env);
  assert.deepEqual(list.map((b) => b.kind).sort(), ['manual', 'safety']);
});

test('an old-format backup_*.sql.gz made with pg_dump | gzip is listed, verified and restored', async () => {
  const env = envFor(backupDir);
  const name = 'backup_20250101_020000.sql.gz';
  execFileSync('bash', ['-c', `pg_dump -h 127.0.0.1 -U postgres ${db} | gzip > ${join(backupDir, name)}`]);
  psql("UPDATE items SET name = 'changed'");
  assert.equal((await verifyBackup(env, name)).ok, true);
  await restoreBackup(env, name);
  assert.equal(psql("SELECT count(*) FROM items WHERE name = 'changed'"), '0');
  assert.ok((await listBackups(env)).some((b) => b.name === name && b.format === 'sql.gz'));
});

test('one changed byte: verify says why, restore refuses, the database is untouched', async () => {
  const env = envFor(backupDir);
  const record = await createBackup(env, { kind: 'manual' });
  const bytes = readFileSync(record.path);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  writeFileSync(record.path, bytes);
  const v = await verifyBackup(env, record.name);
  assert.equal(v.ok, false);
  assert.match(v.reasons.join(' '), /sha256 .* does not match/);
  psql("INSERT INTO items (name) VALUES ('after')");
  await assert.rejects(restoreBackup(env, record.name), /failed verification.*not touched/);
  assert.equal(psql("SELECT count(*) FROM items WHERE name = 'after'"), '1');
});

test('names outside the backup dir are refused', async () => {
  const env = envFor(backupDir);
  for (const name of ['../../etc/passwd', '/etc/passwd', `${backupDir}/../x.dump`, 'notes.txt']) {
    await assert.rejects(restoreBackup(env, name), /is not a backup in/, name);
  }
});

test('a full disk mid-dump: the partial file is removed and the error says so', async () => {
  const small = join(root, 'tiny');
  mkdirSync(small, { mode: 0o700 });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', small]);
  try {
    psql("INSERT INTO items (name) SELECT md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 20000) g");
    await assert.rejects(createBackup(envFor(small), { kind: 'predeploy' }), /disk is full.*partial file was removed/);
    assert.deepEqual(readdirSync(small), []);
  } finally {
    execFileSync('umount', [small]);
  }
});

test('an unreachable database: a clear error naming host and port, nothing written', async () => {
  const port = await freePort();
  const dir = join(root, 'unreachable');
  await assert.rejects(createBackup(envFor(dir, `postgres://postgres:s3cret@127.0.0.1:${port}/app`), { kind: 'manual' }), (e: Error) => {
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(e.message, /s3cret/);
    return true;
  });
  assert.deepEqual(readdirSync(dir), []);
});

test('prune --dry-run says what would go and why; prune removes it with its manifest', async () => {
  const env = envFor(backupDir);
  const old = join(backupDir, 'backup_20200101_020000.sql.gz');
  execFileSync('bash', ['-c', `pg_dump -h 127.0.0.1 -U postgres ${db} | gzip > ${old}`]);
  const dry = await pruneBackups(env, 'production', join(root, 'state'), { dryRun: true });
  assert.ok(dry.delete.some((d) => d.name === 'backup_20200101_020000.sql.gz' && /older than 7 days/.test(d.reason)));
  assert.ok(existsSync(old));
  await pruneBackups(env, 'production', join(root, 'state'), { dryRun: false });
  assert.equal(existsSync(old), false);
  assert.ok((await listBackups(env)).some((b) => b.kind === 'safety'), 'safety backups stay');
  chmodSync(backupDir, 0o700);
});
