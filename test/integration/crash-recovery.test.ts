/**
 * The executor SIGKILLed mid-build, mid-migration (after a partial, non-transactional change) and
 * mid-rollback, then `ripcord recover`: the environment is back on the old release exactly, and a
 * step that must not repeat (a finished database restore) is not repeated.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { killAndRecover as killAndRecoverOn, type JournalLines } from '../support/stack/rollback-checks.js';
import { dbChecksum, headSha, leftovers, run, runningImageIds } from '../support/stack/stack-helpers.js';

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

async function state() {
  return { head: await headSha(stack.appDir), images: await runningImageIds(stack.id), checksum: await dbChecksum(stack.dbPort) };
}

const killAndRecover = (ref: string, ready: (journal: JournalLines) => Promise<boolean> | boolean) => killAndRecoverOn(stack, ref, ready);

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
