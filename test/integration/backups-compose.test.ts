/**
 * Backups in compose-service mode: pg_dump, pg_restore and psql run inside the project's `db`
 * service (as the old script's `docker-compose exec -T db …`), dumps streamed out to the host's
 * backup dir and back in for a restore. Includes an old-format dump made the old script's way.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createBackup, listBackups, restoreBackup, verifyBackup } from '../../src/backups/index.js';
import { runCommand } from '../../src/adapters/process-runner.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';
import type { RipcordError } from '../../src/domain/errors.js';
import { requireDocker } from '../support/require-services.js';
import { leftovers } from '../support/stack/stack-helpers.js';
import { startComposeDb, type ComposeDb } from '../support/compose-db.js';
import { dataDigest, environmentFor, psql, SEED_SQL, tempBackupDir } from '../support/backup-fixtures.js';

let stack: ComposeDb;
let files: ReturnType<typeof tempBackupDir>;
let env: EnvironmentConfig;

before(async () => {
  await requireDocker();
  stack = await startComposeDb();
  files = tempBackupDir();
  await psql('app', SEED_SQL, stack.port);
  env = environmentFor({ service: 'db', name: 'app', user: 'postgres' }, files.dir,
    { appDir: stack.appDir, composeProject: stack.id, composeCommand: 'docker-compose' });
});

after(async () => {
  const id = stack?.id;
  await stack?.cleanup();
  files?.cleanup();
  if (id) assert.deepEqual(await leftovers(id), { containers: [], images: [], volumes: [], networks: [] });
});

describe('backups in compose-service mode', () => {
  test('create, verify --deep, change, restore: the data is back and a safety backup holds the change', async () => {
    const original = await dataDigest('app', stack.port);
    const record = await createBackup(env, { kind: 'predeploy', releaseSha: 'b'.repeat(40) });
    assert.equal(statSync(record.path).mode & 0o777, 0o600);
    assert.ok(record.verifiedAt);
    assert.equal(record.database, 'app');
    assert.match(record.pgDumpVersion ?? '', /pg_dump \(PostgreSQL\) 15/);
    assert.deepEqual(record.rowCounts, { 'public.customers': 200, 'public.orders': 3000 });
    const deep = await verifyBackup(env, record.name, { deep: true });
    assert.deepEqual([deep.ok, deep.reasons], [true, []]);

    await psql('app', "delete from orders where total > 50; insert into customers(name) values ('new')", stack.port);
    const changed = await dataDigest('app', stack.port);
    const result = await restoreBackup(env, record.name);
    assert.equal(await dataDigest('app', stack.port), original);
    await restoreBackup(env, result.safetyBackup!, { skipSafety: true });
    assert.equal(await dataDigest('app', stack.port), changed);
  });

  test('an old-format backup made with `docker-compose exec -T db pg_dump | gzip` restores', async () => {
    const before = await dataDigest('app', stack.port);
    const old = join(files.dir, 'backup_20240630_231500.sql.gz');
    const dump = [...stack.compose(['exec', '-T', 'db', 'pg_dump', '-U', 'postgres', 'app'])].join(' ');
    const r = await runCommand({ argv: ['sh', '-c', `${dump} | gzip > ${old}`], cwd: stack.appDir, timeoutMs: 120_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok((await listBackups(env)).some((b) => b.name === 'backup_20240630_231500.sql.gz' && b.format === 'sql.gz'));
    assert.equal((await verifyBackup(env, 'backup_20240630_231500.sql.gz')).ok, true);
    await psql('app', 'drop view big_orders; truncate orders', stack.port);
    await restoreBackup(env, 'backup_20240630_231500.sql.gz');
    assert.equal(await dataDigest('app', stack.port), before);
  });

  test('an app database named postgres (the official image without POSTGRES_DB): restore and verify --deep work', async () => {
    await psql('postgres', SEED_SQL, stack.port);
    const named = environmentFor({ service: 'db', name: 'postgres', user: 'postgres' }, files.dir,
      { appDir: stack.appDir, composeProject: stack.id, composeCommand: 'docker-compose' });
    const original = await dataDigest('postgres', stack.port);
    const record = await createBackup(named, { kind: 'manual' });
    assert.deepEqual((await verifyBackup(named, record.name, { deep: true })).reasons, []);
    await psql('postgres', 'truncate orders cascade', stack.port);
    const result = await restoreBackup(named, record.name);
    assert.equal(await dataDigest('postgres', stack.port), original);
    assert.ok(result.safetyBackup);
  });

  test('the db service stopped: a clear error naming the service; nothing is written', async () => {
    await runCommand({ argv: stack.compose(['stop', '-t', '1', 'db']), cwd: stack.appDir, timeoutMs: 60_000 });
    try {
      const count = (await listBackups(env)).length;
      await assert.rejects(createBackup(env, { kind: 'predeploy' }), (e: RipcordError) => e.code === 'unavailable' && /compose service db\/app/.test(e.message));
      assert.equal((await listBackups(env)).length, count);
    } finally {
      await runCommand({ argv: stack.compose(['start', 'db']), cwd: stack.appDir, timeoutMs: 60_000 });
    }
  });
});
