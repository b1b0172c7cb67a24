/**
 * "Verified" means it still matches: dumps on real PostgreSQL, corrupted on disk after they were
 * taken and verified (truncated; one byte flipped in place), then listed by the real CLI (text and
 * --json), verified again, and chosen from by the plan and the incident's command — which name the
 * newest good backup instead. A failed re-hash is remembered, and a passing one clears it.
 */
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, openSync, readFileSync, readSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { createBackup, listBackups, readChecked, standingOf, type ListedBackup } from '../../src/backups/index.js';
import { reverifyBackups } from '../../src/backups/reverify-backups.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';
import { RipcordError } from '../../src/domain/errors.js';
import { openIncident, type Incident } from '../../src/domain/incident.js';
import { breakGlassCommand } from '../../src/domain/incident-runbook.js';
import { backupForRelease, buildManualRollbackPlan, type TargetBackup } from '../../src/domain/manual-rollback.js';
import { backupsSeenHere } from '../../src/incidents/incident-backups.js';
import { ripcord } from '../support/cli.js';
import { requirePostgres } from '../support/require-services.js';
import { environmentFor, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const log: Logger = pino({ level: 'silent' });
let db: TempDatabase;
let files: ReturnType<typeof tempBackupDir>;
let env: EnvironmentConfig;
let configPath: string;

const cli = (...args: string[]) => ripcord(['--config', configPath, 'backups', ...args]);
const target = (b: ListedBackup): TargetBackup => ({ name: b.name, kind: b.kind, createdAt: b.createdAt, releaseSha: b.releaseSha, ...standingOf(b) });
const take = (kind: 'manual' | 'predeploy' | 'daily', releaseSha = A) => createBackup(env, { kind, verify: true, releaseSha });

function flipByteInPlace(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, at);
  writeSync(fd, Buffer.from([one[0]! ^ 0xff]), 0, 1, at);
  closeSync(fd);
}

/** The line `backups list` prints for one backup. */
async function listedLine(name: string): Promise<string> {
  const r = await cli('list');
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').find((l) => l.startsWith(name)) ?? '';
}

before(async () => {
  await requirePostgres();
  db = await tempDatabase();
  files = tempBackupDir();
  env = environmentFor({ url: db.url }, files.dir);
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

describe('a backup corrupted after it was verified', () => {
  test('truncated: listed as corrupt at once (text and --json), verify fails it, and the plan and the incident command name the newest good one', async () => {
    const older = await take('daily');
    const good = await take('manual');
    const predeploy = await take('predeploy');
    truncateSync(predeploy.path, Math.floor(predeploy.sizeBytes / 2));

    assert.match(await listedLine(predeploy.name), new RegExp(`CORRUPT: size is ${Math.floor(predeploy.sizeBytes / 2)} bytes, the manifest says ${predeploy.sizeBytes}$`));
    assert.match(await listedLine(good.name), /\sverified$/);
    const json = JSON.parse((await cli('list', '--json')).stdout) as ListedBackup[];
    assert.equal(json.find((b) => b.name === predeploy.name)?.check.state, 'corrupt');
    assert.equal(json.find((b) => b.name === good.name)?.check.state, 'verified');

    const verify = await cli('verify', predeploy.name);
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /FAILED — size is \d+ bytes, the manifest says \d+/);

    const backups = (await listBackups(env)).map(target);
    assert.equal(backupForRelease(backups, A, predeploy.name)?.name, good.name, 'rollback full picks the newest good backup, not the newer corrupt one');
    assert.notEqual(good.name, older.name);
    const incident: Incident = {
      ...openIncident({ id: 'inc-x', environment: 'production', operationId: 'op', summary: 'deploy failed', openedBy: 'ripcord' }, new Date()),
      failure: {
        operationKind: 'deploy', rollbackType: 'automatic', rollbackLevel: 3, ref: 'v2', previousSha: A, targetSha: B, reason: 'health failed', steps: [],
        stoppedAt: 'restore_database', safetyBackup: null, preDeployBackup: predeploy.name, requestedBy: null, startedAt: predeploy.createdAt, finishedAt: predeploy.createdAt,
      },
    };
    assert.equal(breakGlassCommand(incident, await backupsSeenHere(env, log)), `ripcord rollback --env production --full ${A.slice(0, 12)} ${good.name}`);

    assert.throws(() => buildManualRollbackPlan({
      request: { kind: 'backup', backup: predeploy.name }, environment: 'production', currentSha: B, currentImages: {}, target: null, schemaCommand: null,
      backup: target(readChecked(predeploy.path)),
    }), (e: unknown) => e instanceof RipcordError && e.exitCode === 2 && e.message.startsWith(`backup ${predeploy.name} is corrupt: failed verification at `) && /size is \d+ bytes/.test(e.message));
  });

  test('one byte flipped in place: corrupt by its mtime; verify remembers the failed re-hash (even with the old mtime back); a verify that passes clears it', async () => {
    const b = await take('manual', B);
    const original = join(files.root, 'original.dump');
    copyFileSync(b.path, original);
    const then = statSync(b.path).mtime;
    await new Promise((r) => setTimeout(r, 2500)); // past the mtime slack of coarse filesystems
    flipByteInPlace(b.path, Math.floor(b.sizeBytes / 2));

    assert.match(await listedLine(b.name), /CORRUPT: modified on disk at .*, after it was verified at .* \(a full verify re-hashes it\)$/);
    const verify = await cli('verify', b.name);
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /FAILED — sha256 .* does not match the manifest's/);
    const manifest = JSON.parse(readFileSync(`${b.path}.json`, 'utf8')) as { sha256: string; failedVerification?: { reasons: string[] } };
    assert.equal(manifest.sha256, b.sha256, 'the manifest keeps what the dump should be');
    assert.match(manifest.failedVerification?.reasons.join(' ') ?? '', /sha256 .* does not match/);

    utimesSync(b.path, then, then);
    assert.match(await listedLine(b.name), /CORRUPT: failed verification at .*: sha256 .* does not match the manifest's/, 'remembered: no re-hash needed to know');
    const json = JSON.parse((await cli('list', '--json')).stdout) as ListedBackup[];
    assert.equal(json.find((x) => x.name === b.name)?.check.state, 'corrupt');

    copyFileSync(original, b.path);
    const again = await cli('verify', b.name);
    assert.equal(again.code, 0, again.stdout);
    assert.match(await listedLine(b.name), /\sverified$/);
    assert.equal((JSON.parse(readFileSync(`${b.path}.json`, 'utf8')) as { failedVerification?: unknown }).failedVerification, undefined);
  });

  test('the scheduled re-verification re-hashes every kept dump: a changed one is newly corrupt once, then still corrupt', async () => {
    const b = await take('daily');
    flipByteInPlace(b.path, 200);
    utimesSync(b.path, statSync(b.path).atime, new Date(Date.parse(b.verifiedAt!) - 1000)); // even a dump whose mtime looks untouched
    assert.equal(readChecked(b.path).check.state, 'verified', 'the cheap look cannot see this one');
    const first = await reverifyBackups(env);
    assert.deepEqual(first.newlyCorrupt.map((c) => c.name), [b.name]);
    assert.match(first.newlyCorrupt[0]!.reasons.join(' '), /sha256 .* does not match/);
    assert.ok(first.passed.length >= 2, 'the good ones pass');
    assert.equal(readChecked(b.path).check.state, 'corrupt');
    const second = await reverifyBackups(env);
    assert.deepEqual(second.newlyCorrupt, []);
    assert.ok(second.stillCorrupt.includes(b.name));
  });
});
