/**
 * The backup command builders, as data: where pg_dump/pg_restore/psql run (host, container,
 * compose service), with which arguments, and that a password never reaches argv.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backupName, backupPath, isBackupFileName } from '../../src/backups/backup-files.js';
import { maintenanceDatabase } from '../../src/backups/database-swap.js';
import {
  connectionOf, dumpArgs, parseRowCounts, pgCommand, restoreArgs, RESTORE_SESSION_ENV, sqlLoadArgs, versionCommand, type DatabaseAccess,
} from '../../src/backups/pg-commands.js';
import type { DatabaseConfig } from '../../src/config/schema.js';
import type { RipcordError } from '../../src/domain/errors.js';

const db = (d: Partial<DatabaseConfig>): DatabaseConfig => ({ name: 'app', user: 'postgres', rollbackStrategy: 'dump_restore', migrations: { eachInTransaction: false }, ...d });
const url = (u: string): DatabaseAccess => ({ database: db({ url: u }), cwd: '/srv/app' });
const compose: DatabaseAccess = {
  database: db({ service: 'db', name: 'shop', user: 'shop' }), cwd: '/srv/app',
  compose: { program: ['docker-compose'], appDir: '/srv/app', composeFile: 'docker-compose.yml', project: 'shop' },
};

describe('connections', () => {
  test('a URL password goes to PGPASSWORD, never to argv; errors name host:port/db', () => {
    const c = connectionOf(url('postgres://app%40ops:p%40ss%20word@db.internal:6543/shop%2Dprod'));
    assert.deepEqual(c.args, ['-h', 'db.internal', '-p', '6543', '-U', 'app@ops']);
    assert.equal(c.dbname, 'shop-prod');
    assert.deepEqual(c.env, { PGCONNECT_TIMEOUT: '10', PGPASSWORD: 'p@ss word' });
    assert.equal(c.where, 'db.internal:6543/shop-prod');
    const cmd = pgCommand(url('postgres://app:secret@127.0.0.1/app'), 'pg_dump', dumpArgs('app'));
    assert.ok(!cmd.argv.join(' ').includes('secret'));
    assert.equal(cmd.env?.PGPASSWORD, 'secret');
  });

  test('IPv6 hosts lose their brackets in -h; the port defaults to 5432', () => {
    assert.deepEqual(connectionOf(url('postgresql://postgres@[::1]/app')).args, ['-h', '::1', '-p', '5432', '-U', 'postgres']);
  });

  test('service mode: the configured user and database, no host', () => {
    assert.deepEqual(connectionOf(compose), { args: ['-U', 'shop'], dbname: 'shop', env: {}, where: 'compose service db/shop' });
  });
});

describe('where a tool runs', () => {
  test('on the host, never prompting for a password', () => {
    assert.deepEqual(pgCommand(url('postgres://app@127.0.0.1:5432/app'), 'pg_restore', ['--list']), {
      argv: ['pg_restore', '-h', '127.0.0.1', '-p', '5432', '-U', 'app', '-w', '--list'],
      env: { PGCONNECT_TIMEOUT: '10' }, cwd: '/srv/app',
    });
  });

  test('inside the compose service, as the old script did (`docker-compose exec -T db …`), settings via -e', () => {
    assert.deepEqual(pgCommand(compose, 'pg_restore', restoreArgs('shop__ripcord_restore', { jobs: 4 }), RESTORE_SESSION_ENV).argv, [
      'docker-compose', '-f', 'docker-compose.yml', '-p', 'shop', 'exec', '-T', '-e', 'PGOPTIONS=-c synchronous_commit=off', 'db',
      'pg_restore', '-U', 'shop', '-w', '--exit-on-error', '-d', 'shop__ripcord_restore',
    ]);
  });

  test('straight into the running container when it is known (one docker exec, no compose start-up)', () => {
    assert.deepEqual(pgCommand({ ...compose, container: 'c0ffee' }, 'pg_dump', dumpArgs('shop', '00000003-0000001B-1')).argv, [
      'docker', 'exec', '-i', 'c0ffee', 'pg_dump', '-U', 'shop', '-w', '-Fc', '-Z', '3', '--snapshot=00000003-0000001B-1', '-d', 'shop',
    ]);
  });

  test('--version alone, without connection arguments', () => {
    assert.deepEqual(versionCommand(url('postgres://a:b@h:1/d'), 'pg_dump').argv, ['pg_dump', '--version']);
    assert.deepEqual(versionCommand({ ...compose, container: 'c1' }, 'pg_restore').argv, ['docker', 'exec', '-i', 'c1', 'pg_restore', '--version']);
  });
});

describe('arguments', () => {
  test('parallel restore only from a file the tool can open', () => {
    assert.deepEqual(restoreArgs('x', { jobs: 2, file: '/b/backup_1.dump' }), ['--exit-on-error', '-d', 'x', '-j', '2', '/b/backup_1.dump']);
    assert.deepEqual(restoreArgs('x', { jobs: 1, file: '/b/backup_1.dump' }), ['--exit-on-error', '-d', 'x', '/b/backup_1.dump']);
    assert.deepEqual(restoreArgs('x', { jobs: 8 }), ['--exit-on-error', '-d', 'x']);
    assert.deepEqual(sqlLoadArgs('x'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'x']);
  });

  test('row counts parse table names that contain the separator', () => {
    assert.deepEqual(parseRowCounts(['public.orders|3000', 'public."a|b"|7', '']), { 'public.orders': 3000, 'public."a|b"': 7 });
  });
});

describe('backup names', () => {
  test('the old scheme, a suffix for a second one in the same second', () => {
    const at = new Date(2026, 10, 22, 10, 15, 0);
    assert.equal(backupName('predeploy', at), 'backup_20261122_101500.dump');
    assert.equal(backupName('safety', at), 'safety_backup_20261122_101500.dump');
    assert.equal(backupName('daily', at, 2), 'backup_20261122_101500_2.dump');
    for (const ok of ['backup_20261122_101500.dump', 'safety_backup_20261122_101500_1.dump', 'backup_20250101_020000.sql.gz']) assert.ok(isBackupFileName(ok), ok);
    for (const bad of ['backup_2026112_101500.dump', 'backup_20261122_101500.dump.json', '.backup_20261122_101500.dump.partial', 'backup_20261122_101500.sql']) assert.ok(!isBackupFileName(bad), bad);
  });

  test('a name that leaves the backup dir, or is not a backup, is refused before the disk is looked at', () => {
    for (const name of ['../backup_20261122_101500.dump', '/etc/backup_20261122_101500.dump', 'sub/backup_20261122_101500.dump', 'backup_20261122_101500.dump\0', 'ripcord.yml']) {
      assert.throws(() => backupPath('/nonexistent/backups', name), (e: RipcordError) => e.code === 'bad_input' && /ripcord backups list/.test(e.fix), name);
    }
  });
});

describe('the maintenance database (never the app database a restore renames)', () => {
  const access = (d: Partial<DatabaseConfig>) => ({ database: db({ service: 'db', ...d }) });
  test('postgres for an app database of another name; template1 when the app database is postgres', () => {
    assert.equal(maintenanceDatabase(access({ name: 'app' })), 'postgres');
    assert.equal(maintenanceDatabase(access({ name: 'postgres' })), 'template1');
    assert.equal(maintenanceDatabase({ database: db({ url: 'postgres://u:p@127.0.0.1:5432/' }) }), 'template1');
    assert.equal(maintenanceDatabase({ database: db({ url: 'postgres://u@127.0.0.1:5432/shop' }) }), 'postgres');
  });
  test('database.maintenanceDatabase when set', () => {
    assert.equal(maintenanceDatabase(access({ name: 'postgres', maintenanceDatabase: 'admin' })), 'admin');
  });
});
