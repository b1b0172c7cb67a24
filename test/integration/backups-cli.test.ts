/**
 * `ripcord backups …` as an operator runs it: the real CLI in a child process, a ripcord.yml in a
 * temp dir, a per-test database. Output, JSON, exit codes, refusals, and prune's dry run.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { BackupRecord } from '../../src/backups/index.js';
import { EnvironmentLocks } from '../../src/state/environment-lock.js';
import { ripcord } from '../support/cli.js';
import { requirePostgres } from '../support/require-services.js';
import { dataDigest, psql, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';

let db: TempDatabase;
let files: ReturnType<typeof tempBackupDir>;
let configPath: string;

const cli = (...args: string[]) => ripcord(['--config', configPath, 'backups', ...args]);

before(async () => {
  await requirePostgres();
  db = await tempDatabase();
  files = tempBackupDir();
  configPath = join(files.root, 'ripcord.yml');
  writeFileSync(configPath, stringify({
    stateDir: join(files.root, 'state'),
    environments: { production: { appDir: files.root, database: { url: db.url }, backups: { dir: files.dir }, health: { url: 'http://127.0.0.1:9/health/' } } },
  }));
});

after(async () => {
  await db?.drop();
  files?.cleanup();
});

/** A manifest-only backup of `kind` made `daysAgo` days ago (its dump is a stand-in file). */
function fakeBackup(name: string, kind: string, daysAgo: number): void {
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  writeFileSync(join(files.dir, name), 'x', { mode: 0o600 });
  writeFileSync(join(files.dir, `${name}.json`), JSON.stringify({ name, kind, format: 'custom', sizeBytes: 1, sha256: null, database: db.name, serverVersion: null, pgDumpVersion: null, releaseSha: null, createdAt: at, verifiedAt: null, rowCounts: null }));
}

describe('ripcord backups', () => {
  let created: BackupRecord;

  test('create --json, then list: name, kind, size, age in words, verified, newest first', async () => {
    const c = await cli('create', '--json');
    assert.equal(c.code, 0, c.stderr);
    created = JSON.parse(c.stdout) as BackupRecord;
    assert.equal(created.kind, 'manual');
    const s = await cli('create', '--kind', 'safety');
    assert.match(s.stdout, /^created safety_backup_\d{8}_\d{6}(_\d+)?\.dump \([\d.]+ KiB, verified\)$/m);
    const list = await cli('list');
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, new RegExp(`^safety_backup_\\S+\\s+safety\\s+${db.name}\\s+[\\d.]+ KiB\\s+less than a minute ago\\s+verified$`));
    assert.match(lines[1]!, new RegExp(`^${created.name}\\s+manual\\s+${db.name}\\s+[\\d.]+ KiB\\s+less than a minute ago\\s+verified$`), 'each line names the database the backup holds');
    const json = JSON.parse((await cli('list', '--json')).stdout) as BackupRecord[];
    assert.deepEqual(json.map((b) => b.kind), ['safety', 'manual']);
  });

  test('an unknown kind is refused with the kinds there are', async () => {
    const r = await cli('create', '--kind', 'hourly');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown kind "hourly" — use one of: predeploy, safety, manual, daily, weekly, monthly/);
  });

  test('verify: ok exits 0; a changed byte exits 1 and says why', async () => {
    const ok = await cli('verify', created.name);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /: ok \(sha256, pg_restore --list\)$/m);
    const copy = 'backup_20200101_000000.dump';
    writeFileSync(join(files.dir, copy), 'placeholder', { mode: 0o600 });
    assert.equal((await cli('verify', copy)).code, 1, 'a file that is not a dump fails');
    rmSync(join(files.dir, copy));
    const fd = openSync(created.path, 'r+');
    writeSync(fd, Buffer.from([0x00]), 0, 1, 100);
    closeSync(fd);
    const bad = await cli('verify', created.name);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAILED — sha256 .* does not match the manifest's/);
  });

  test('restore: refused without a terminal or --yes, refused for paths and corrupt dumps, done with --yes', async () => {
    const digest = await dataDigest(db.name);
    const noTty = await cli('restore', created.name);
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /pass --yes/);
    const escape = await cli('restore', '../../etc/passwd', '--yes');
    assert.equal(escape.code, 2);
    assert.match(escape.stderr, /is not a backup in .* — give the name of a backup as `ripcord backups list` shows it/);
    const corrupt = await cli('restore', created.name, '--yes');
    assert.equal(corrupt.code, 2);
    assert.match(corrupt.stderr, /failed verification .*the database was not touched/);
    assert.equal(await dataDigest(db.name), digest);
    const good = JSON.parse((await cli('create', '--json')).stdout) as BackupRecord;
    await psql(db.name, 'delete from orders');
    const lock = await new EnvironmentLocks(join(files.root, 'state')).acquire('production', { operation: 'deploy v2 by @alice via slack', deploymentId: 'd-held' });
    const locked = await cli('restore', good.name, '--yes').finally(() => lock.release());
    assert.equal(locked.code, 2, 'a restore never races a deploy: it takes the environment lock');
    assert.match(locked.stderr, /locked by deploy v2 by @alice via slack/);
    const r = await cli('restore', good.name, '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^restored ${good.name}; the state before is in safety_backup_`));
    assert.equal(await dataDigest(db.name), digest);
  });

  test('prune --dry-run says what would go and why, and deletes nothing; prune deletes it', async () => {
    mkdirSync(files.dir, { recursive: true });
    fakeBackup('backup_20200102_020000.dump', 'predeploy', 30);
    fakeBackup('backup_20200103_020000.dump', 'predeploy', 2);
    const dry = await cli('prune', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would delete backup_20200102_020000\.dump {2}\(pre-deploy backup older than 7 days\)$/m);
    assert.match(dry.stdout, /^keep {4}backup_20200103_020000\.dump {2}\(pre-deploy, younger than 7 days\)$/m);
    assert.match(dry.stdout, /^keep {4}safety_backup_\S+ {2}\(.*safety backups are kept forever/m);
    assert.ok(existsSync(join(files.dir, 'backup_20200102_020000.dump')));
    const json = JSON.parse((await cli('prune', '--json')).stdout) as { delete: Array<{ name: string }> };
    assert.deepEqual(json.delete.map((d) => d.name), ['backup_20200102_020000.dump']);
    assert.ok(!existsSync(join(files.dir, 'backup_20200102_020000.dump')));
    assert.ok(!existsSync(join(files.dir, 'backup_20200102_020000.dump.json')));
  });
});
