/** runCommand with real processes: what it keeps of a long output; children die with their parent. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../src/adapters/process-runner.js';

test('keeps exactly the last keepBytes bytes of a long output, however the pipe chunks it', async () => {
  const script = "for (let i = 0; i < 20000; i++) process.stdout.write(String(i).padStart(8, '0') + '\\n')";
  const all = Array.from({ length: 20000 }, (_, i) => `${String(i).padStart(8, '0')}\n`).join('');
  for (let run = 0; run < 3; run++) {
    const r = await runCommand({ argv: [process.execPath, '-e', script], keepBytes: 100_000, timeoutMs: 30_000 });
    assert.equal(r.stdout, all.slice(-100_000));
  }
});

/** Starts runner-parent.ts, returns it and the PID of the child it started through runCommand. */
async function parentWithChild(): Promise<{ parent: ChildProcess; childPid: number }> {
  const parent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../support/runner-parent.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
  const childPid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { parent, childPid };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`a child started through runCommand dies with its parent (${signal})`, async () => {
    const { parent, childPid } = await parentWithChild();
    assert.ok(alive(childPid), 'the child runs');
    const exited = new Promise<NodeJS.Signals | null>((resolve) => parent.once('exit', (_code, sig) => resolve(sig)));
    parent.kill(signal);
    assert.equal(await exited, signal, 'the parent ended as the signal ends it');
    const survived = !(await goneWithin(childPid, 3000));
    if (survived) process.kill(-childPid, 'SIGKILL');
    assert.equal(survived, false, `child ${childPid} outlived its parent`);
  });
}

test('a caller that handles SIGTERM itself (the service\'s graceful stop) keeps its children running', async () => {
  const parent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../support/runner-parent.ts', import.meta.url)), 'graceful'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const childPid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const exited = new Promise<number | null>((resolve) => parent.once('exit', (code) => resolve(code)));
  parent.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(alive(childPid), 'the child goes on while the caller finishes its work');
  process.kill(childPid, 'SIGKILL');
  assert.equal(await exited, 0, 'the caller exited by its own decision once its child ended');
});

test('an aborted signal stops the program and its whole group (an operator\'s Ctrl-C cancelling a build)', async () => {
  const controller = new AbortController();
  let pid = 0;
  const running = runCommand({ argv: ['sh', '-c', 'sleep 30 & sleep 30; wait'], timeoutMs: 60_000, signal: controller.signal, onSpawn: (p) => { pid = p; } });
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  controller.abort(new Error('interrupted by the operator (SIGINT)'));
  const r = await running;
  assert.ok(Date.now() - started < 3000, 'stopped at once, not after the program\'s 30 s');
  assert.equal(r.signal, 'SIGTERM');
  assert.equal(r.timedOut, false);
  const groupAlive = () => { try { process.kill(-pid, 0); return true; } catch { return false; } };
  const deadline = Date.now() + 3000;
  while (groupAlive() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  assert.equal(groupAlive(), false, 'the background sleep of the group is gone too');
});

test('a signal aborted before the program starts stops it at once', async () => {
  const controller = new AbortController();
  controller.abort();
  const started = Date.now();
  const r = await runCommand({ argv: ['sleep', '30'], timeoutMs: 60_000, signal: controller.signal });
  assert.ok(Date.now() - started < 3000);
  assert.equal(r.signal, 'SIGTERM');
});
