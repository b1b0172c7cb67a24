/**
 * Backups against the real local PostgreSQL in URL mode (pg_dump/pg_restore/psql on the host):
 * create → manifest → list → verify (--deep) → restore with a safety backup first, old-format
 * `pg_dump | gzip` dumps, and names that are not backups.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createBackup, listBackups, restoreBackup, verifyBackup } from '../../src/backups/index.js';
import { runCommand } from '../../src/adapters/process-runner.js';
import type { RipcordError } from '../../src/domain/errors.js';
import { requirePostgres } from '../support/require-services.js';
import { dataDigest, environmentFor, PG, psql, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';

let db: TempDatabase;
let files: ReturnType<typeof tempBackupDir>;
let env: EnvironmentConfig;

before(async () => {
  await requirePostgres();
  db = await tempDatabase();
  files = tempBackupDir();
  env = environmentFor({ url: db.url }, files.dir);
});

after(async () => {
  await db?.drop();
  files?.cleanup();
});

describe('backups in URL mode', () => {
  test('create writes a 0600 dump and manifest in a new 0700 dir, verified for predeploy', async () => {
    const record = await createBackup(env, { kind: 'predeploy', releaseSha: 'a'.repeat(40) });
    assert.match(record.name, /^backup_\d{8}_\d{6}\.dump$/);
    assert.equal(statSync(files.dir).mode & 0o777, 0o700);
    assert.equal(statSync(record.path).mode & 0o777, 0o600);
    assert.equal(statSync(`${record.path}.json`).mode & 0o777, 0o600);
    const manifest = JSON.parse(readFileSync(`${record.path}.json`, 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.kind, 'predeploy');
    assert.equal(manifest.database, db.name);
    assert.equal(manifest.releaseSha, 'a'.repeat(40));
    assert.equal(manifest.sizeBytes, statSync(record.path).size);
    assert.match(String(manifest.sha256), /^[0-9a-f]{64}$/);
    assert.match(String(manifest.serverVersion), /^15\./);
    assert.match(String(manifest.pgDumpVersion), /pg_dump \(PostgreSQL\) 15/);
    assert.ok(manifest.verifiedAt, 'a pre-deploy backup is verified before createBackup returns');
    assert.deepEqual(manifest.rowCounts, { 'public.customers': 200, 'public.orders': 3000 });
  });

  test('two backups within one second get different names; safety ones keep their prefix', async () => {
    const [a, b] = await Promise.all([createBackup(env, { kind: 'manual' }), createBackup(env, { kind: 'manual' })]);
    assert.notEqual(a.name, b.name);
    const s = await createBackup(env, { kind: 'safety' });
    assert.match(s.name, /^safety_backup_\d{8}_\d{6}(_\d+)?\.dump$/);
  });

  test('list: newest first, with kinds and verification', async () => {
    const list = await listBackups(env);
    assert.ok(list.length >= 4);
    const times = list.map((b) => b.createdAt);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.equal(list[0]!.kind, 'safety');
  });

  test('verify and verify --deep (restore into a throwaway database, row counts compared)', async () => {
    const [newest] = await listBackups(env);
    const shallow = await verifyBackup(env, newest!.name);
    assert.deepEqual([shallow.ok, shallow.reasons], [true, []]);
    assert.deepEqual(shallow.checked, ['sha256', 'pg_restore --list']);
    const deep = await verifyBackup(env, newest!.name, { deep: true });
    assert.deepEqual(deep.reasons, []);
    assert.ok(deep.checked.includes('row counts'));
    assert.equal(await psql('postgres', "select count(*) from pg_database where datname like 'ripcord_verify_%'"), '0', 'the throwaway database is dropped');
  });

  test('restore brings the data back and takes a safety backup of what was there first', async () => {
    const before = await dataDigest(db.name);
    const backup = await createBackup(env, { kind: 'manual' });
    await psql(db.name, "delete from orders where id % 2 = 0; update customers set name = 'changed'; create table extra(x int)");
    const changed = await dataDigest(db.name);
    const result = await restoreBackup(env, backup.name);
    assert.equal(await dataDigest(db.name), before);
    assert.equal(await psql(db.name, "select count(*) from pg_tables where tablename = 'extra'"), '0');
    assert.ok(result.safetyBackup);
    // The safety backup holds the changed state: restoring it brings the change back.
    await restoreBackup(env, result.safetyBackup, { skipSafety: true });
    assert.equal(await dataDigest(db.name), changed);
    await restoreBackup(env, backup.name, { skipSafety: true });
    assert.equal(await dataDigest(db.name), before);
  });

  test('an old-format backup_*.sql.gz made with `pg_dump | gzip` is listed, verified and restored', async () => {
    const before = await dataDigest(db.name);
    const old = join(files.dir, 'backup_20250101_020000.sql.gz');
    const r = await runCommand({ argv: ['sh', '-c', `pg_dump ${PG.join(' ')} ${db.name} | gzip > ${old} && chmod 600 ${old}`], timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    const listed = (await listBackups(env)).find((b) => b.name === 'backup_20250101_020000.sql.gz');
    assert.equal(listed?.format, 'sql.gz');
    assert.equal(listed?.hasManifest, false);
    assert.equal(listed?.createdAt, new Date(2025, 0, 1, 2, 0, 0).toISOString());
    assert.deepEqual((await verifyBackup(env, listed.name)).checked, ['gzip -t', 'PostgreSQL dump header']);
    // Verified once, it is adopted: a manifest with its checksum from now on.
    const adopted = (await listBackups(env)).find((b) => b.name === listed.name);
    assert.equal(adopted?.hasManifest, true);
    assert.equal(adopted?.sha256?.length, 64);
    assert.ok(adopted?.verifiedAt);
    assert.deepEqual((await verifyBackup(env, listed.name)).checked, ['sha256', 'gzip -t', 'PostgreSQL dump header']);
    await psql(db.name, 'truncate orders');
    const result = await restoreBackup(env, listed.name);
    assert.equal(await dataDigest(db.name), before);
    assert.match(result.safetyBackup ?? '', /^safety_backup_/);
  });

  test('a backup taken while the app writes holds exactly the rows its manifest counts (one snapshot)', async () => {
    const writer = runCommand({
      argv: ['psql', ...PG, '-d', db.name, '-c', 'do $$ begin for i in 1..300 loop insert into orders(customer_id, total) values (1, 1); commit; perform pg_sleep(0.01); end loop; end $$'],
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    const record = await createBackup(env, { kind: 'manual' });
    assert.equal((await writer).exitCode, 0);
    const orders = record.rowCounts?.['public.orders'] ?? 0;
    assert.ok(orders > 3000 && orders < 3300, `the dump was taken while rows were being added (${orders})`);
    const deep = await verifyBackup(env, record.name, { deep: true });
    assert.deepEqual([deep.ok, deep.reasons], [true, []]);
  });

  test('a cancelled backup leaves nothing behind', async () => {
    const before = (await listBackups(env)).length;
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(createBackup(env, { kind: 'predeploy', signal: controller.signal }), /backup cancelled/);
    const midway = new AbortController();
    const running = createBackup(env, { kind: 'predeploy', signal: midway.signal });
    setTimeout(() => midway.abort(), 40);
    await assert.rejects(running, /backup cancelled/);
    assert.equal((await listBackups(env)).length, before);
    assert.deepEqual(readdirSync(files.dir).filter((f) => f.endsWith('.partial')), []);
  });

  test('names outside the backup dir or not backups are refused before anything happens', async () => {
    for (const name of ['../backup_20250101_020000.sql.gz', '/etc/passwd', `${files.dir}/../x/backup_20250101_020000.dump`, 'backup_x.dump', 'backups.json', '']) {
      await assert.rejects(verifyBackup(env, name), (e: RipcordError) => e.code === 'bad_input' && /is not a backup/.test(e.message), name);
      await assert.rejects(restoreBackup(env, name), (e: RipcordError) => e.code === 'bad_input', name);
    }
    await assert.rejects(restoreBackup(env, 'backup_19990101_000000.dump'), (e: RipcordError) => e.code === 'not_found');
  });
});
