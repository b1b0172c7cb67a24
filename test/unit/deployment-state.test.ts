import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ALLOWED_MOVES, DEPLOY_STAGES, IllegalTransitionError, canMove, eventOfEntry, isTerminal, offeredForRollback, transition,
  type DeploymentEvent, type DeploymentState,
} from '../../src/domain/deployment-state.js';

function run(events: DeploymentEvent[], from: DeploymentState = 'queued'): DeploymentState {
  return events.reduce(transition, from);
}

const stage = (s: (typeof DEPLOY_STAGES)[number]): DeploymentEvent => ({ type: 'stage_started', stage: s });

describe('deployment state machine', () => {
  test('a full deploy walks every stage to succeeded', () => {
    assert.equal(run([...DEPLOY_STAGES.map(stage), { type: 'all_passed' }]), 'succeeded');
  });

  test('disabled stages are skipped forward', () => {
    assert.equal(run([stage('preflight'), stage('fetch'), stage('up'), stage('health'), { type: 'all_passed' }]), 'succeeded');
  });

  test('a failing stage rolls back, then ends rolled_back or rollback_failed', () => {
    const failing = [stage('preflight'), stage('fetch'), stage('build'), stage('backup'), stage('migrate'), { type: 'stage_failed', autoRollback: true } as const];
    assert.equal(run(failing), 'rolling_back');
    assert.equal(run([...failing, { type: 'rollback_finished', ok: true }]), 'rolled_back');
    assert.equal(run([...failing, { type: 'rollback_finished', ok: false }]), 'rollback_failed');
  });

  test('with automatic rollback off a failure ends failed', () => {
    assert.equal(run([stage('preflight'), stage('up'), { type: 'stage_failed', autoRollback: false }]), 'failed');
  });

  test('a held lock refuses from queued or preflight, never later', () => {
    assert.equal(run([{ type: 'refused' }]), 'refused');
    assert.equal(run([stage('preflight'), { type: 'refused' }]), 'refused');
    assert.throws(() => run([stage('preflight'), stage('backup'), { type: 'refused' }]), IllegalTransitionError);
  });

  test('a manual rollback goes queued → rolling_back → rolled_back', () => {
    assert.equal(run([{ type: 'rollback_started' }, { type: 'rollback_finished', ok: true }]), 'rolled_back');
  });

  test('illegal moves throw and name both states', () => {
    assert.throws(() => run([stage('build'), stage('fetch')]), /build → fetch/);
    assert.throws(() => run([stage('migrate'), stage('migrate')]), IllegalTransitionError);
    assert.throws(() => run([stage('preflight'), { type: 'all_passed' }]), /preflight → succeeded/);
    assert.throws(() => transition('rolled_back', stage('preflight')), IllegalTransitionError);
    assert.throws(() => transition('rolling_back', stage('up')), IllegalTransitionError);
    assert.throws(() => transition('succeeded', { type: 'rollback_started' }), IllegalTransitionError);
  });

  test('terminal states go nowhere and only they are terminal', () => {
    for (const [state, next] of Object.entries(ALLOWED_MOVES) as Array<[DeploymentState, readonly DeploymentState[]]>) {
      assert.equal(isTerminal(state), next.length === 0, state);
    }
  });

  test('every stage may fail into rolling_back', () => {
    for (const s of DEPLOY_STAGES) assert.ok(canMove(s, 'rolling_back'), s);
  });

  test('only changed-and-kept outcomes are offered for rollback', () => {
    assert.ok(offeredForRollback('succeeded'));
    assert.ok(!offeredForRollback('refused'));
    assert.ok(!offeredForRollback('rolled_back'));
    assert.ok(!offeredForRollback('migrate'));
  });
});

describe('eventOfEntry: the journal entries that change state, as events', () => {
  test('each journaled state maps to the event that enters it', () => {
    assert.equal(transition('queued', eventOfEntry({ type: 'state', state: 'rolling_back' }, 'queued')), 'rolling_back');
    assert.equal(transition('migrate', eventOfEntry({ type: 'state', state: 'rolling_back' }, 'migrate')), 'rolling_back');
    assert.equal(transition('up', eventOfEntry({ type: 'state', state: 'failed' }, 'up')), 'failed');
    assert.equal(transition('health', eventOfEntry({ type: 'state', state: 'succeeded' }, 'health')), 'succeeded');
    assert.equal(transition('preflight', eventOfEntry({ type: 'state', state: 'refused' }, 'preflight')), 'refused');
    assert.equal(transition('rolling_back', eventOfEntry({ type: 'state', state: 'rollback_failed' }, 'rolling_back')), 'rollback_failed');
    assert.equal(transition('build', eventOfEntry({ type: 'stage_started', stage: 'migrate' }, 'build')), 'migrate');
  });
  test('moves the table forbids still throw', () => {
    assert.throws(() => transition('queued', eventOfEntry({ type: 'state', state: 'succeeded' }, 'queued')), IllegalTransitionError);
    assert.throws(() => eventOfEntry({ type: 'state', state: 'queued' }, 'build'), IllegalTransitionError);
  });
});
