/**
 * Bad input, and nothing lost: a corrupted dump is caught and never restored; a full disk leaves no
 * partial file; an unreachable database is named; a backup dir others can read is refused.
 */
import assert from 'node:assert/strict';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createBackup, listBackups, pruneBackups, restoreBackup, verifyBackup } from '../../src/backups/index.js';
import { runCommand } from '../../src/adapters/process-runner.js';
import type { RipcordError } from '../../src/domain/errors.js';
import { requirePostgres } from '../support/require-services.js';
import { freePort } from '../support/stack/stack-helpers.js';
import { dataDigest, environmentFor, PG, psql, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';

let db: TempDatabase;
let files: ReturnType<typeof tempBackupDir>;

before(async () => {
  await requirePostgres();
  db = await tempDatabase();
  files = tempBackupDir();
});

after(async () => {
  await db?.drop();
  files?.cleanup();
});

/** Flips one byte in the middle of a file. */
function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] = b[0]! ^ 0x01;
    writeSync(fd, b, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}

describe('backups: bad input and failures', () => {
  test('one byte changed: verify says why, restore refuses, the database is untouched', async () => {
    const env = environmentFor({ url: db.url }, files.dir);
    const record = await createBackup(env, { kind: 'manual' });
    flipByte(record.path, Math.floor(record.sizeBytes / 2));
    const v = await verifyBackup(env, record.name);
    assert.equal(v.ok, false);
    assert.match(v.reasons.join(), /sha256 [0-9a-f]{16}… does not match the manifest's/);
    await psql(db.name, "update customers set name = 'after the backup' where id = 1");
    const digest = await dataDigest(db.name);
    const before = readdirSync(files.dir).sort();
    await assert.rejects(restoreBackup(env, record.name), (e: RipcordError) =>
      e.code === 'precondition_failed' && /failed verification/.test(e.message) && /database was not touched/.test(e.message));
    assert.equal(await dataDigest(db.name), digest);
    assert.deepEqual(readdirSync(files.dir).sort(), before, 'no safety backup was taken for a refused restore');
  });

  test('one byte changed in an old-format .sql.gz: gzip -t fails it, restore refuses', async () => {
    const env = environmentFor({ url: db.url }, files.dir);
    const old = join(files.dir, 'backup_20250102_020000.sql.gz');
    assert.equal((await runCommand({ argv: ['sh', '-c', `pg_dump ${PG.join(' ')} ${db.name} | gzip > ${old}`], timeoutMs: 60_000 })).exitCode, 0);
    flipByte(old, 2000);
    const v = await verifyBackup(env, 'backup_20250102_020000.sql.gz');
    assert.equal(v.ok, false);
    assert.match(v.reasons[0] ?? '', /^gzip -t: /);
    const digest = await dataDigest(db.name);
    await assert.rejects(restoreBackup(env, 'backup_20250102_020000.sql.gz'), /failed verification/);
    assert.equal(await dataDigest(db.name), digest);
  });

  test('an unreadable manifest: still listed, verify and restore refuse, prune keeps the dump', async () => {
    const dir = join(files.root, 'damaged');
    const env = environmentFor({ url: db.url }, dir, { backups: { predeployRetentionDays: 1 } });
    const record = await createBackup(env, { kind: 'predeploy' });
    writeFileSync(`${record.path}.json`, '{"name": "trunc');
    const [listed] = await listBackups(env);
    assert.equal(listed?.name, record.name);
    const v = await verifyBackup(env, record.name);
    assert.equal(v.ok, false);
    assert.match(v.reasons[0] ?? '', /^manifest .*\.dump\.json is unreadable/);
    await assert.rejects(restoreBackup(env, record.name), /failed verification/);
    const decision = await pruneBackups(env, 'production', join(files.root, 'state'), { dryRun: false, now: new Date(Date.now() + 30 * 86_400_000) });
    assert.deepEqual(decision.delete, []);
    assert.match(decision.keep[0]?.reasons[0] ?? '', /kept until a person looks/);
    assert.ok(existsSync(record.path));
  });

  test('disk full mid-dump: the partial file is removed and the error says so', async () => {
    const mnt = join(files.root, 'tiny');
    mkdirSync(mnt, { mode: 0o700 });
    const mount = await runCommand({ argv: ['mount', '-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mnt], timeoutMs: 30_000 });
    assert.equal(mount.exitCode, 0, mount.stderr);
    try {
      // Incompressible rows, so the dump is several times the 1 MiB the disk holds.
      await psql(db.name, "create table blob as select g, md5(random()::text) || md5(random()::text) as a, md5(g::text) as b from generate_series(1, 60000) g");
      const env = environmentFor({ url: db.url }, mnt);
      await assert.rejects(createBackup(env, { kind: 'predeploy' }), (e: RipcordError) =>
        e.code === 'precondition_failed' && /backup disk is full/.test(e.message) && /partial file was removed/.test(e.message) && /free space in/.test(e.fix));
      assert.deepEqual(readdirSync(mnt), [], 'nothing is left on the full disk');
      assert.deepEqual(await listBackups(env), []);
    } finally {
      await psql(db.name, 'drop table if exists blob');
      await runCommand({ argv: ['umount', mnt], timeoutMs: 30_000 });
    }
  });

  test('database unreachable: the error names host and port, and nothing is written', async () => {
    const port = await freePort();
    const dir = join(files.root, 'unreachable');
    const env = environmentFor({ url: `postgres://app:s3cret-pw@127.0.0.1:${port}/app` }, dir);
    await assert.rejects(createBackup(env, { kind: 'predeploy' }), (e: RipcordError) => {
      assert.equal(e.code, 'unavailable');
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.match(e.fix, /PostgreSQL is running/);
      assert.doesNotMatch(`${e.message} ${e.fix} ${e.stack}`, /s3cret-pw/);
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a backup dir other users can read is refused with the chmod that fixes it', async () => {
    const dir = join(files.root, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const env = environmentFor({ url: db.url }, dir);
    await assert.rejects(createBackup(env, { kind: 'manual' }), (e: RipcordError) => /mode 0755/.test(e.message) && e.fix === `chmod 0700 ${dir}`);
    assert.deepEqual(readdirSync(dir), []);
  });
});
