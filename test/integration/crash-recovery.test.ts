/**
 * The executor SIGKILLed mid-build, mid-migration (after a partial, non-transactional change) and
 * mid-rollback, then `ripcord recover`: the environment is back on the old release exactly, and a
 * step that must not repeat (a finished database restore) is not repeated.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { ripcord, startCli } from '../support/cli.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { dbChecksum, headSha, leftovers, run, runningImageIds, waitFor } from '../support/stack/stack-helpers.js';

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

function newestJournal(): string | null {
  const dir = join(stack.stateDir, 'journal', 'production');
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).map((f) => join(dir, f)).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  return files.at(-1) ?? null;
}

function journalLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function state() {
  return { head: await headSha(stack.appDir), images: await runningImageIds(stack.id), checksum: await dbChecksum(stack.dbPort) };
}

/** Starts a deploy, waits until `ready` says so, kills the executor with SIGKILL, then recovers. */
async function killAndRecover(ref: string, ready: (journal: Array<Record<string, unknown>>) => Promise<boolean> | boolean) {
  const journalsBefore = newestJournal();
  const { child, done } = startCli(['--config', stack.configPath, 'deploy', ref, '--yes']);
  await waitFor(async () => {
    const path = newestJournal();
    return path !== null && path !== journalsBefore && (await ready(journalLines(path)));
  }, 120_000, `the deploy of ${ref} to reach the kill point`);
  child.kill('SIGKILL');
  const killed = await done;
  assert.equal(killed.code, null, 'the executor died by the signal');
  const path = newestJournal()!;
  const recovered = await ripcord(['--config', stack.configPath, 'recover']);
  assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
  assert.match(recovered.stdout, /rolled back/);
  return journalLines(path);
}

const started = (j: Array<Record<string, unknown>>, type: string, name: string) => j.some((e) => e.type === type && (e.stage === name || e.step === name));

test('killed during build: recovery brings back the old release', async () => {
  const before = await state();
  const journal = await killAndRecover('slow-build', (j) => started(j, 'stage_started', 'build') && j.some((e) => e.type === 'child'));
  assert.deepEqual(await state(), before);
  assert.ok(journal.some((e) => e.type === 'state' && e.state === 'rolled_back'));
  assert.equal(existsSync(join(stack.stateDir, 'locks', 'production.lock')), false);
});

test('killed during migrate after a partial migration: data restored exactly', async () => {
  const before = await state();
  const partial = async () => (await run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', 'app', '-Atc', "select count(*) from items where name in ('DINGHY', 'dinghy')"], '/', 10_000)).trim() !== '0';
  await killAndRecover('migration-fails', async (j) => started(j, 'stage_started', 'migrate') && (await partial()));
  assert.deepEqual(await state(), before);
  const oneOff = await run(['docker', 'ps', '-a', '--filter', `label=com.docker.compose.project=${stack.id}`, '--filter', 'label=com.docker.compose.oneoff=True', '--format', '{{.ID}}'], '/', 10_000);
  assert.equal(oneOff.trim(), '', 'the migration container was stopped');
});

test('killed during the rollback: recovery resumes it and never restores twice', async () => {
  const before = await state();
  const safetyBefore = readdirSync(stack.backupDir).filter((f) => f.startsWith('safety_') && f.endsWith('.dump')).length;
  const journal = await killAndRecover('health-503', (j) => j.some((e) => e.type === 'step_finished' && e.step === 'restore_database' && e.outcome === 'ok'));
  assert.deepEqual(await state(), before);
  const restores = journal.filter((e) => e.type === 'step_started' && e.step === 'restore_database').length;
  assert.equal(restores, 1, 'the finished restore was not run again');
  assert.ok(journal.filter((e) => e.type === 'step_started' && e.step === 'health').length >= 1);
  const safetyAfter = readdirSync(stack.backupDir).filter((f) => f.startsWith('safety_') && f.endsWith('.dump')).length;
  assert.equal(safetyAfter - safetyBefore, 1, 'one safety backup, not one per attempt');
});
