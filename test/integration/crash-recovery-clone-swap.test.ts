/**
 * `clone_swap` and SIGKILL: the executor killed while cloning (connections blocked), right after the
 * swap, and while the failed copy is being dumped; `ripcord recover` converges each time — the host
 * exactly as before, no clone or failed copy left, the swap never repeated, and the failed
 * database kept as a verified safety dump before it is dropped.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import type { ReferenceStack } from '../support/stack/reference-stack.js';
import { tearDownStack } from '../support/stack/teardown.js';
import { assertAsBefore, cloneSwapStack, hostState, killAndRecover, type JournalLines } from '../support/stack/rollback-checks.js';
import { run } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;

before(async () => {
  await requireDocker();
  stack = await cloneSwapStack(4);
  // Enough rows that dumping the failed copy takes long enough to be killed in the middle of.
  await run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', 'app', '-qc', "create table ballast as select g as id, md5(g::text) as v from generate_series(1, 300000) g"], '/', 120_000);
});

after(() => tearDownStack(stack));

const verifiedSafetyDumps = () => readdirSync(stack.backupDir)
  .filter((f) => f.startsWith('safety_') && f.endsWith('.dump'))
  .filter((f) => (JSON.parse(readFileSync(join(stack.backupDir, `${f}.json`), 'utf8')) as { verifiedAt: string | null }).verifiedAt !== null);
const has = (j: JournalLines, type: string, name: string, extra: (e: Record<string, unknown>) => boolean = () => true) =>
  j.some((e) => e.type === type && (e.step === name || e.stage === name || e.key === name) && extra(e));
const count = (j: JournalLines, step: string) => j.filter((e) => e.type === 'step_started' && e.step === step).length;
const FAST = 20;

test('killed while cloning: recovery drops the clone and the database takes connections again', async () => {
  const before = await hostState(stack);
  const journal = await killAndRecover(stack, 'health-503', (j) => has(j, 'fact', 'databaseClone'), FAST);
  await assertAsBefore(stack, before, '1.0.0');
  assert.ok(has(journal, 'step_finished', 'settle_database', (e) => e.outcome === 'ok'));
  assert.equal(count(journal, 'restore_database'), 0, 'the deploy never got past the backup stage');
});

test('killed right after the swap: recovery does not swap again, and keeps the failed copy as a safety dump', async () => {
  const before = await hostState(stack);
  const dumps = verifiedSafetyDumps().length;
  const journal = await killAndRecover(stack, 'health-503', (j) => has(j, 'step_finished', 'restore_database', (e) => e.outcome === 'ok'), FAST);
  await assertAsBefore(stack, before, '1.0.0');
  assert.equal(count(journal, 'restore_database'), 1, 'the finished swap was not run again');
  assert.equal(verifiedSafetyDumps().length, dumps + 1, 'one verified safety dump of the failed copy');
});

test('killed while the failed copy is being dumped: recovery dumps it again, verifies it, then drops it', async () => {
  const before = await hostState(stack);
  const dumps = verifiedSafetyDumps().length;
  const journal = await killAndRecover(stack, 'health-503', (j) => has(j, 'step_started', 'settle_database'), FAST);
  await assertAsBefore(stack, before, '1.0.0');
  assert.ok(count(journal, 'settle_database') >= 2, 'settle ran again after the kill');
  assert.equal(verifiedSafetyDumps().length, dumps + 1, 'the copy was dropped only after one verified dump of it');
});
