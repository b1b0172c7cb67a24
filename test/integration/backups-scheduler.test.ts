/**
 * The backup scheduler on real Redis (a unique key prefix per test, removed after) and real
 * PostgreSQL: a short cron fires real backups one at a time; a failing run becomes an ERROR
 * notification without secrets; a slot missed while the executor was down runs once, not once
 * per missed day, and not again on the next restart; the re-verification of kept dumps notifies a
 * dump changed on disk once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createBackup, listBackups } from '../../src/backups/index.js';
import { reverifyBackups } from '../../src/backups/reverify-backups.js';
import { runScheduledBackup, type ScheduledRun } from '../../src/backups/scheduled-backup.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';
import type { Notification, Notifier } from '../../src/domain/ports.js';
import { startBackupScheduler, type BackupScheduler } from '../../src/queue/backup-scheduler.js';
import { requirePostgres, requireRedis } from '../support/require-services.js';
import { freePort, waitFor } from '../support/stack/stack-helpers.js';
import { environmentFor, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';

const REDIS = 'redis://127.0.0.1:6379';
let db: TempDatabase;
let files: ReturnType<typeof tempBackupDir>;
const prefixes: string[] = [];
const running: BackupScheduler[] = [];

class Collected implements Notifier {
  readonly seen: Notification[] = [];
  async notify(n: Notification): Promise<void> { this.seen.push(n); }
}

async function start(environments: Record<string, EnvironmentConfig>, notifier: Notifier, prefix: string, run?: (r: ScheduledRun) => ReturnType<typeof runScheduledBackup>, reverify?: typeof reverifyBackups): Promise<BackupScheduler> {
  const s = await startBackupScheduler({ environments, stateDir: join(files.root, 'state'), redisUrl: REDIS, prefix, notifier, ...(run ? { run } : {}), ...(reverify ? { reverify } : {}) });
  running.push(s);
  return s;
}

function newPrefix(): string {
  const p = `rctest-${randomBytes(4).toString('hex')}`;
  prefixes.push(p);
  return p;
}

const onlyDaily = (daily: string) => ({ backups: { schedule: { daily, weekly: null, monthly: null } } });

before(async () => {
  await requirePostgres();
  await requireRedis();
  db = await tempDatabase();
  files = tempBackupDir();
});

after(async () => {
  for (const s of running) await s.close();
  const redis = new Redis(REDIS);
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
  await db?.drop();
  files?.cleanup();
});

describe('backup scheduler', () => {
  test('a cron firing every second takes real backups, one at a time', async () => {
    const env = environmentFor({ url: db.url }, join(files.root, 'every-second'), onlyDaily('* * * * * *'));
    let inFlight = 0;
    let maxInFlight = 0;
    const run = async (r: ScheduledRun) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try { return await runScheduledBackup(r); } finally { inFlight--; }
    };
    const s = await start({ staging: env }, new Collected(), newPrefix(), run);
    await waitFor(async () => (await listBackups(env)).filter((b) => b.kind === 'daily').length >= 3, 30_000, 'three scheduled daily backups');
    await s.close();
    assert.equal(maxInFlight, 1);
    const daily = (await listBackups(env)).filter((b) => b.kind === 'daily');
    assert.ok(daily.every((b) => b.verifiedAt), 'scheduled backups are verified');
  });

  test('a failing scheduled backup is an ERROR notification naming the database, without its password', async () => {
    const port = await freePort();
    const env = environmentFor({ url: `postgres://app:hunter2-secret@127.0.0.1:${port}/app` }, join(files.root, 'failing'), onlyDaily('* * * * * *'));
    const notes = new Collected();
    const s = await start({ production: env }, notes, newPrefix());
    await waitFor(async () => notes.seen.length > 0, 20_000, 'an ERROR notification');
    await s.close();
    const [n] = notes.seen;
    assert.equal(n?.level, 'ERROR');
    assert.equal(n?.title, 'Scheduled daily backup of production failed');
    assert.equal(n?.environment, 'production');
    assert.match(n?.text ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(JSON.stringify(notes.seen), /hunter2/);
  });

  test('a slot missed while the executor was down runs once on start, and not again on the next start', async () => {
    const dir = join(files.root, 'missed');
    const env = environmentFor({ url: db.url }, dir, onlyDaily('0 2 * * *'));
    // The last daily backup the executor took before it stopped, three days ago.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = new Date(Date.now() - 3 * 86_400_000);
    writeFileSync(join(dir, 'backup_20200101_020000.dump'), 'x', { mode: 0o600 });
    writeFileSync(join(dir, 'backup_20200101_020000.dump.json'), JSON.stringify({
      name: 'backup_20200101_020000.dump', kind: 'daily', format: 'custom', sizeBytes: 1, sha256: null, database: db.name, serverVersion: null,
      pgDumpVersion: null, releaseSha: null, createdAt: old.toISOString(), verifiedAt: old.toISOString(), rowCounts: null,
    }), { mode: 0o600 });
    const prefix = newPrefix();
    const first = await start({ production: env }, new Collected(), prefix);
    await waitFor(async () => (await listBackups(env)).filter((b) => b.kind === 'daily').length === 2, 30_000, 'one catch-up backup');
    await first.close();
    const second = await start({ production: env }, new Collected(), prefix);
    await new Promise((r) => setTimeout(r, 3000));
    await second.close();
    assert.equal((await listBackups(env)).filter((b) => b.kind === 'daily').length, 2, 'exactly one catch-up run, not one per missed day, not again on restart');
  });

  test('the re-verification re-hashes the kept dumps on its cron: a dump changed on disk is one ERROR notification, not one per run', async () => {
    const env = environmentFor({ url: db.url }, join(files.root, 'reverify'), { backups: { schedule: { daily: null, weekly: null, monthly: null, verify: '* * * * * *' } } });
    const good = await createBackup(env, { kind: 'manual', verify: true });
    const bad = await createBackup(env, { kind: 'manual', verify: true });
    const fd = openSync(bad.path, 'r+');
    writeSync(fd, Buffer.from([0x00, 0x01, 0x02]), 0, 3, 100);
    closeSync(fd);
    const notes = new Collected();
    let runs = 0;
    const s = await start({ production: env }, notes, newPrefix(), undefined, async (e) => { const r = await reverifyBackups(e); runs += 1; return r; });
    await waitFor(async () => runs >= 3, 30_000, 'three re-verification runs');
    await s.close();
    assert.equal(notes.seen.length, 1, JSON.stringify(notes.seen));
    assert.equal(notes.seen[0]?.level, 'ERROR');
    assert.equal(notes.seen[0]?.title, '1 backup of production failed re-verification');
    assert.match(notes.seen[0]?.text ?? '', new RegExp(`^${bad.name}: sha256 .* does not match the manifest's`));
    const listed = await listBackups(env);
    assert.equal(listed.find((b) => b.name === bad.name)?.check.state, 'corrupt');
    assert.equal(listed.find((b) => b.name === good.name)?.check.state, 'verified');
  });

  test('a fresh install registers its schedules and takes no catch-up backup at start-up', async () => {
    const env = environmentFor({ url: db.url }, join(files.root, 'fresh'), { backups: { schedule: { timezone: 'Europe/Berlin', monthly: null } } });
    const s = await start({ production: env }, new Collected(), newPrefix());
    const schedulers = await s.queues.get('production')!.getJobSchedulers();
    assert.deepEqual(schedulers.map((j) => [j.key, j.pattern, j.tz]).sort(), [['backup-daily', '0 2 * * *', 'Europe/Berlin'], ['backup-verify', '0 5 * * *', 'Europe/Berlin'], ['backup-weekly', '0 3 * * 0', 'Europe/Berlin']]);
    assert.ok(schedulers.every((j) => (j.next ?? 0) > Date.now()));
    await new Promise((r) => setTimeout(r, 2000));
    await s.close();
    assert.deepEqual(await listBackups(env), []);
  });
});
