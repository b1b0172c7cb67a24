import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeployStageName } from '../../src/domain/deployment-state.js';
import { buildRollbackPlan, stepsToRun, type RollbackFacts } from '../../src/domain/rollback-plan.js';
import { formatPlan } from '../../src/domain/plan-format.js';

const OLD = 'b'.repeat(40);
const images = { web: 'sha256:1111111111111111', worker: 'sha256:2222222222222222' };

function facts(stagesStarted: DeployStageName[], over: Partial<RollbackFacts> = {}): RollbackFacts {
  return { stagesStarted, previousSha: OLD, previousImages: images, preDeployBackup: 'backup_20261101_100000.dump', databaseStrategy: null, ...over };
}
const kinds = (f: RollbackFacts) => buildRollbackPlan(f).steps.map((s) => s.kind);

describe('buildRollbackPlan', () => {
  test('failed in preflight or backup: nothing to undo, only the checks', () => {
    assert.deepEqual(kinds(facts(['preflight', 'backup'])), ['health', 'integrity']);
    assert.equal(buildRollbackPlan(facts(['preflight'])).toSha, null);
  });

  test('failed in fetch: code back only', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'backup', 'fetch']));
    assert.deepEqual(plan.steps[0], { kind: 'git_reset', sha: OLD });
    assert.deepEqual(plan.steps.map((s) => s.kind), ['git_reset', 'health', 'integrity']);
    assert.equal(plan.toSha, OLD);
  });

  test('failed in build: code back and tags back to the old images, no stop and no database restore', () => {
    assert.deepEqual(kinds(facts(['preflight', 'backup', 'fetch', 'build'])), ['git_reset', 'start_previous_images', 'health', 'integrity']);
  });

  test('migrate started: stop, safety backup + restore, start the old images, in that order', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'backup', 'fetch', 'build', 'migrate']));
    assert.deepEqual(plan.steps.map((s) => s.kind), ['git_reset', 'stop_new_services', 'restore_database', 'start_previous_images', 'health', 'integrity']);
    assert.deepEqual(plan.steps[2], { kind: 'restore_database', strategy: 'dump_restore', backup: 'backup_20261101_100000.dump' });
    assert.deepEqual(plan.steps[3], { kind: 'start_previous_images', images, rebuildMissing: true });
    assert.ok(plan.complete);
    assert.deepEqual(plan.warnings, []);
  });

  test("a deploy's rollback stops only what the deploy started: the previous release keeps serving unless the database goes back", () => {
    const plan = buildRollbackPlan(facts(['preflight', 'backup', 'fetch', 'build', 'migrate']));
    assert.deepEqual(plan.steps[1], { kind: 'stop_new_services', scope: 'deploy' });
    assert.match(formatPlan(plan).join('\n'), /stop_new_services +stop what the deploy started .* the previous release keeps running unless the database must go back/);
  });

  test('up with migrate disabled still restores: the new code ran against the database', () => {
    assert.ok(kinds(facts(['preflight', 'fetch', 'up', 'health'])).includes('restore_database'));
  });

  test('the database strategy is a name from the journal, so clone_swap slots in', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'fetch', 'migrate'], { databaseStrategy: 'clone_swap', preDeployBackup: 'app_predeploy_clone' }));
    assert.deepEqual(plan.steps.find((s) => s.kind === 'restore_database'), { kind: 'restore_database', strategy: 'clone_swap', backup: 'app_predeploy_clone' });
  });

  test('no backup when the database may have changed: a warning, and the plan is not complete', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'fetch', 'migrate'], { preDeployBackup: null }));
    assert.ok(!plan.steps.some((s) => s.kind === 'restore_database'));
    assert.match(plan.warnings.join(), /no pre-deploy backup/);
    assert.equal(plan.complete, false);
  });

  test('no recorded SHA: no git step, a warning, not complete', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'fetch'], { previousSha: null }));
    assert.ok(!plan.steps.some((s) => s.kind === 'git_reset'));
    assert.equal(plan.complete, false);
  });

  test('no recorded images: start by rebuilding, still complete', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'fetch', 'build', 'up'], { previousImages: {} }));
    assert.match(plan.warnings.join(), /rebuilt/);
    assert.ok(plan.complete);
    const kinds = plan.steps.map((s) => s.kind);
    assert.ok(kinds.indexOf('build_images') > kinds.indexOf('git_reset') && kinds.indexOf('build_images') === kinds.indexOf('start_previous_images') - 1,
      `the images are built from the previous code, right before they start: ${kinds.join(', ')}`);
  });

  test('prints every step and the warnings', () => {
    const text = formatPlan(buildRollbackPlan(facts(['preflight', 'fetch', 'migrate'], { previousImages: { web: 'sha256:abcdef0123456789ffff' } }))).join('\n');
    assert.match(text, /^Roll back to bbbbbbb/);
    assert.match(text, /restore_database +stop the app, hold the current database \(no connections\), safety backup of it, then restore backup_20261101_100000\.dump \(dump_restore\)/);
    assert.match(text, /web=abcdef012345/);
  });
});

describe('stepsToRun', () => {
  const plan = buildRollbackPlan(facts(['preflight', 'fetch', 'build', 'migrate', 'up']));

  test('a fresh rollback runs every step', () => {
    assert.equal(stepsToRun(plan.steps, []).length, plan.steps.length);
  });

  test('a resumed rollback never repeats a finished restore, but repeats idempotent steps and the checks', () => {
    const resumed = stepsToRun(plan.steps, [
      { step: 'git_reset', outcome: 'ok' }, { step: 'stop_new_services', outcome: 'ok' }, { step: 'restore_database', outcome: 'ok' }, { step: 'start_previous_images' },
    ]);
    assert.deepEqual(resumed.map((s) => s.kind), ['git_reset', 'stop_new_services', 'start_previous_images', 'health', 'integrity']);
  });

  test('a restore that started but did not finish runs again', () => {
    assert.ok(stepsToRun(plan.steps, [{ step: 'restore_database' }]).some((s) => s.kind === 'restore_database'));
  });
});
