/**
 * Ctrl-C during a CLI deploy, on the reference stack: `ripcord deploy … --yes` runs as a real child
 * process in its own process group, and SIGINT goes to that group, as a terminal sends it. One
 * Ctrl-C rolls the deploy back like any failure; two stop at once and leave the run to `recover`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { ripcord, ripcordArgv, type CliResult } from '../support/cli.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { assertAsBefore, hostState, journalLines, newestJournal, type JournalLines } from '../support/stack/rollback-checks.js';
import { git, leftovers, run, waitFor } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;

before(async () => {
  await requireDocker();
  stack = await createReferenceStack();
  stack.writeConfig({ health: { url: stack.healthUrl, retries: 4, delaySeconds: 1, timeoutSeconds: 3 } });
  await stack.up();
});

after(async () => {
  const id = stack?.id;
  await stack?.cleanup();
  if (id) assert.deepEqual(await leftovers(id), { containers: [], images: [], volumes: [], networks: [] });
});

interface Deploy { child: ChildProcess; stderr: () => string; done: Promise<CliResult>; journal: () => JournalLines }

/** `ripcord deploy REF --yes` as the leader of its own process group, like a shell job in a terminal. */
function startDeploy(ref: string): Deploy {
  const earlier = newestJournal(stack);
  const [node, ...args] = ripcordArgv(['--config', stack.configPath, 'deploy', ref, '--yes']);
  const child = spawn(node!, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const journal = () => {
    const path = newestJournal(stack);
    return path && path !== earlier ? journalLines(path) : [];
  };
  return { child, stderr: () => stderr, done, journal };
}

/** What Ctrl-C does: SIGINT to every process of the foreground group. */
const ctrlC = (d: Deploy) => process.kill(-d.child.pid!, 'SIGINT');

async function untilReady(d: Deploy, ready: (j: JournalLines) => Promise<boolean> | boolean, what: string): Promise<void> {
  try {
    await waitFor(async () => ready(d.journal()), 120_000, what);
  } catch (error) {
    d.child.kill('SIGKILL'); // never leave a deploy holding the lock for the next test
    await d.done;
    throw error;
  }
}

const stageStarted = (j: JournalLines, stage: string) => j.some((e) => e.type === 'stage_started' && e.stage === stage);
const finalState = (j: JournalLines) => j.filter((e) => e.type === 'state').at(-1)?.state;
const status = () => ripcord(['--config', stack.configPath, 'status']);

test('Ctrl-C during a migration that already changed data: the deploy stops, rolls back, says so at once, and status is clean', async () => {
  const was = await hostState(stack);
  const partial = async () => (await run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', 'app', '-Atc', "select count(*) from items where name in ('DINGHY', 'dinghy')"], '/', 10_000)).trim() !== '0';
  const d = startDeploy('migration-fails');
  await untilReady(d, async (j) => stageStarted(j, 'migrate') && (await partial()), 'the migration to change data');
  ctrlC(d);
  await waitFor(async () => /interrupted \(SIGINT\): stopping the deploy and rolling production back… press Ctrl-C again to stop now/.test(d.stderr()), 3_000, 'the notice on stderr');
  const r = await d.done;
  assert.equal(r.code, 3, `exit code of a rolled-back deploy\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /FAILED and rolled back production/);
  assert.match(r.stdout, /reason: interrupted by the operator \(SIGINT\) during migrate/);
  const j = d.journal();
  assert.equal(finalState(j), 'rolled_back');
  assert.ok(j.some((e) => e.type === 'stage_finished' && e.stage === 'migrate' && e.reason === 'migrate: interrupted by the operator (SIGINT)'), 'the migrate stage was cut short by the interruption');
  assert.ok(j.some((e) => e.type === 'step_finished' && e.step === 'restore_database' && e.outcome === 'ok'), 'the database was restored');
  await assertAsBefore(stack, was, '1.0.0');
  const s = await status();
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^production: v1\.0\.0 [0-9a-f]{12}$/m, 'the release that runs, confirmed by its images');
  assert.doesNotMatch(s.stdout, /UNRECOVERED/);
  assert.match(s.stdout, /^lock: free$/m);
});

test('Ctrl-C during the build stops the build itself, not after it', async () => {
  const was = await hostState(stack);
  const d = startDeploy('slow-build');
  await untilReady(d, (j) => stageStarted(j, 'build') && j.some((e) => e.type === 'child'), 'the build to start');
  ctrlC(d);
  const r = await d.done;
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stderr, /interrupted \(SIGINT\): stopping the deploy/);
  assert.match(r.stdout, /reason: interrupted by the operator \(SIGINT\) during build/);
  const build = r.stdout.match(/✗ build\s+([\d.]+)s/);
  // The slow release's image sleeps 8 s in one RUN step: a build that ran to its end took longer.
  assert.ok(build && Number(build[1]) < 8, `the build was cancelled, not waited for:\n${r.stdout}`);
  await assertAsBefore(stack, was, '1.0.0');
});

test('two Ctrl-Cs stop at once and name `ripcord recover`; status shows the unrecovered run and what really runs; recover finishes it', async () => {
  const was = await hostState(stack);
  const target = (await git(stack.appDir, ['rev-parse', 'slow-build^{commit}'])).trim();
  const d = startDeploy('slow-build');
  await untilReady(d, (j) => stageStarted(j, 'build') && j.some((e) => e.type === 'child'), 'the build to start');
  ctrlC(d);
  await waitFor(async () => /interrupted \(SIGINT\)/.test(d.stderr()), 3_000, 'the first notice');
  const second = Date.now();
  ctrlC(d);
  const r = await d.done;
  assert.ok(Date.now() - second < 3_000, 'the second Ctrl-C stops at once');
  assert.equal(r.code, 130, r.stdout + r.stderr);
  assert.match(r.stderr, /stopped now \(SIGINT\): the deploy of production did not finish and its journal is kept; run `ripcord recover --env production` to roll it back/);
  assert.equal(finalState(d.journal()) === 'rolled_back' || finalState(d.journal()) === 'refused', false, 'the run is left unfinished');

  const s = await status();
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^UNRECOVERED: deploy slow-build \(\S+\) stopped during \w+, started .* ago: run `ripcord recover --env production` to roll it back$/m);
  assert.match(s.stdout, /^lock: deploy slow-build .* — its process is gone: the next operation here takes the lock over$/m);
  assert.match(s.stdout, /^production: v1\.0\.0 [0-9a-f]{12}/m, 'what runs is v1.0.0, never the deploy\'s target');
  const json = JSON.parse((await ripcord(['--config', stack.configPath, 'status', '--json'])).stdout) as { release: { sha: string }; releaseFrom: string; checkout: { sha: string } };
  assert.deepEqual([json.release.sha, json.releaseFrom], [was.head, 'images']);
  // The checkout stays at the target unless the rollback had reset it before the second Ctrl-C.
  if (json.checkout.sha === target) assert.match(s.stdout, /^production: v1\.0\.0 [0-9a-f]{12} runs \(its recorded images\); the checkout is at slow-build [0-9a-f]{12}, which does not run$/m);
  else assert.equal(json.checkout.sha, was.head);

  const recovered = await ripcord(['--config', stack.configPath, 'recover']);
  assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
  assert.match(recovered.stdout, /rolled back/);
  await assertAsBefore(stack, was, '1.0.0');
  const clean = await status();
  assert.doesNotMatch(clean.stdout, /UNRECOVERED/);
  assert.match(clean.stdout, /^production: v1\.0\.0 [0-9a-f]{12}$/m);
  assert.match(clean.stdout, /^lock: free$/m);
});
