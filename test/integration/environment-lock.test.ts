import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EnvironmentLocks, LockHeldError, type LockOwner } from '../../src/state/environment-lock.js';
import { ExitCode } from '../../src/domain/errors.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-lock-'));
const children: ChildProcessWithoutNullStreams[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});
let n = 0;
const freshStateDir = () => join(root, `state-${++n}`);
const childScript = fileURLToPath(new URL('../support/lock-child.ts', import.meta.url));
const request = (id: string) => ({ operation: `deploy v1.1.0 by @${id} via slack`, deploymentId: id });

interface ChildResult { id: string; won: boolean; pid: number; message?: string; tookOverFrom?: LockOwner | null }

/** Starts a child racing for the lock; resolves with its one-line JSON result. A winner holds the lock until its stdin is closed. */
function racer(stateDir: string, id: string, startAt: number, hold: 'stdin' | 'forever'): { child: ChildProcessWithoutNullStreams; result: Promise<ChildResult>; closed: Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, stateDir, 'production', id, String(startAt), hold]);
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const closed = new Promise((resolve) => child.once('close', resolve));
  const result = new Promise<ChildResult>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as ChildResult);
    });
    child.on('close', (code) => reject(new Error(`child ${id} exited ${code} without a result: ${err}`)));
  });
  return { child, result, closed };
}

/** A PID that certainly belonged to a process that is gone now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(stateDir: string, owner: LockOwner): void {
  mkdirSync(join(stateDir, 'locks'), { recursive: true });
  writeFileSync(join(stateDir, 'locks', 'production.lock'), JSON.stringify(owner));
}

const clock = { now: () => new Date('2026-11-01T10:03:00Z') };

describe('EnvironmentLocks', () => {
  test('acquire, see the holder, release (twice), acquire again', async () => {
    const stateDir = freshStateDir();
    const locks = new EnvironmentLocks(stateDir);
    const lock = await locks.acquire('production', request('alice'));
    assert.equal(lock.tookOverFrom, null);
    assert.equal((await locks.holder('production'))?.operation, 'deploy v1.1.0 by @alice via slack');
    assert.equal(lock.owner.pid, process.pid);
    await lock.release();
    await lock.release();
    assert.equal(await locks.holder('production'), null);
    await (await locks.acquire('production', request('bob'))).release();
    assert.deepEqual(readdirSync(join(stateDir, 'locks')), [], 'no temp or marker files are left behind');
  });

  test('a second acquirer is refused with exit 2: who, doing what, since when, and the fix', async () => {
    const stateDir = freshStateDir();
    const first = new EnvironmentLocks(stateDir, { clock: { now: () => new Date('2026-11-01T10:00:00Z') } });
    const lock = await first.acquire('production', request('alice'));
    const second = new EnvironmentLocks(stateDir, { clock });
    await assert.rejects(second.acquire('production', request('bob')), (e: unknown) => {
      assert.ok(e instanceof LockHeldError);
      assert.equal(e.exitCode, ExitCode.refused);
      assert.equal(e.code, 'lock_held');
      assert.match(e.message, /^production is locked by deploy v1\.1\.0 by @alice via slack \(deployment alice\), pid \d+ on .+, since 3 minutes ago/);
      assert.match(e.fix, /wait for it to finish/);
      assert.equal(e.owner?.deploymentId, 'alice');
      return true;
    });
    await lock.release();
  });

  test('separate processes racing for the lock: exactly one wins', async () => {
    const stateDir = freshStateDir();
    const startAt = Date.now() + 1500;
    const racers = ['a', 'b', 'c', 'd'].map((id) => racer(stateDir, id, startAt, 'stdin'));
    const results = await Promise.all(racers.map((r) => r.result));
    assert.equal(results.filter((r) => r.won).length, 1, JSON.stringify(results));
    for (const loser of results.filter((r) => !r.won)) assert.match(loser.message!, /production is locked by deploy by child/);
    for (const r of racers) r.child.stdin.end();
    await Promise.all(racers.map((r) => r.closed));
    assert.equal(await new EnvironmentLocks(stateDir).holder('production'), null, 'the winner released it');
  });

  test('a SIGKILLed holder\'s lock is taken over, and the takeover is recorded', async () => {
    const stateDir = freshStateDir();
    const holder = racer(stateDir, 'crashed', 0, 'forever');
    const held = await holder.result;
    assert.ok(held.won);
    holder.child.kill('SIGKILL');
    await holder.closed;
    const lock = await new EnvironmentLocks(stateDir).acquire('production', request('recovery'));
    assert.equal(lock.tookOverFrom?.pid, held.pid);
    assert.equal(lock.tookOverFrom?.deploymentId, 'crashed');
    const onDisk = JSON.parse(readFileSync(lock.path, 'utf8')) as LockOwner;
    assert.equal(onDisk.tookOverFrom?.deploymentId, 'crashed');
    await lock.release();
  });

  test('several processes taking over one stale lock: exactly one wins', async () => {
    const stateDir = freshStateDir();
    writeLock(stateDir, { pid: deadPid(), host: hostname(), startedAt: '2026-11-01T09:00:00Z', operation: 'deploy v1.0.9', deploymentId: 'dead' });
    const startAt = Date.now() + 1500;
    const racers = ['a', 'b', 'c', 'd'].map((id) => racer(stateDir, id, startAt, 'stdin'));
    const results = await Promise.all(racers.map((r) => r.result));
    const winners = results.filter((r) => r.won);
    assert.equal(winners.length, 1, JSON.stringify(results));
    assert.equal(winners[0]!.tookOverFrom?.deploymentId, 'dead');
    for (const r of racers) r.child.stdin.end();
    await Promise.all(racers.map((r) => r.closed));
    assert.deepEqual(readdirSync(join(stateDir, 'locks')), []);
  });

  test('a lock from another host is never taken automatically; forceUnlock frees it', async () => {
    const stateDir = freshStateDir();
    writeLock(stateDir, { pid: deadPid(), host: 'web-2', startedAt: '2026-11-01T08:03:00Z', operation: 'rollback by @carol via cli', deploymentId: 'r-1' });
    const locks = new EnvironmentLocks(stateDir, { clock });
    await assert.rejects(locks.acquire('production', request('alice')), (e: unknown) =>
      e instanceof LockHeldError && /on web-2, since about 2 hours ago/.test(e.message) && /`ripcord unlock --env production`/.test(e.fix) && /never takes it over/.test(e.fix));
    assert.equal((await locks.forceUnlock('production'))?.deploymentId, 'r-1');
    assert.equal(await locks.forceUnlock('production'), null);
    await (await locks.acquire('production', request('alice'))).release();
  });

  test('a lock from before a reboot is stale even if its PID is in use again', async () => {
    const stateDir = freshStateDir();
    writeLock(stateDir, { pid: process.pid, host: hostname(), startedAt: '2026-11-01T08:00:00Z', operation: 'deploy', deploymentId: 'old-boot', bootId: 'boot-a' });
    const lock = await new EnvironmentLocks(stateDir, { bootId: 'boot-b' }).acquire('production', request('alice'));
    assert.equal(lock.tookOverFrom?.deploymentId, 'old-boot');
    await lock.release();
  });

  test('an unreadable lock file is held, with the unlock fix', async () => {
    const stateDir = freshStateDir();
    mkdirSync(join(stateDir, 'locks'), { recursive: true });
    writeFileSync(join(stateDir, 'locks', 'production.lock'), '');
    await assert.rejects(new EnvironmentLocks(stateDir).acquire('production', request('alice')), (e: unknown) =>
      e instanceof LockHeldError && e.owner === null && /cannot be read/.test(e.message) && /ripcord unlock --env production/.test(e.fix));
  });

  test('withLock releases when the work throws and when it returns', async () => {
    const locks = new EnvironmentLocks(freshStateDir());
    await assert.rejects(locks.withLock('production', request('alice'), async () => { throw new Error('stage failed'); }), /stage failed/);
    assert.equal(await locks.holder('production'), null);
    assert.equal(await locks.withLock('production', request('alice'), async (lock) => lock.owner.deploymentId), 'alice');
    assert.equal(await locks.holder('production'), null);
  });

  test('release never removes a lock someone else took after a forced unlock', async () => {
    const locks = new EnvironmentLocks(freshStateDir());
    const mine = await locks.acquire('production', request('alice'));
    await locks.forceUnlock('production');
    const theirs = await locks.acquire('production', request('bob'));
    await mine.release();
    assert.equal((await locks.holder('production'))?.deploymentId, 'bob');
    await theirs.release();
    assert.ok(!existsSync(theirs.path));
  });

  test('environment names that are not config names are refused', async () => {
    await assert.rejects(new EnvironmentLocks(freshStateDir()).acquire('../etc', request('x')), /not valid/);
  });
});
