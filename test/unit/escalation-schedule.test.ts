import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escalationPolicy, escalationSteps, pendingSteps, stepStillDue, type EscalationFacts } from '../../src/domain/escalation-schedule.js';

// One minute lasts 1 ms here, so times read as minutes.
const policy = escalationPolicy({
  level1: { afterMinutes: 0, remindEveryMinutes: 5 },
  level2: { afterMinutes: 15, remindEveryMinutes: 10 },
  level3: { afterMinutes: 30, remindEveryMinutes: 100 },
  reescalateAfterMinutes: 20,
}, 1);
const at = (m: number) => new Date(m);
const facts = (f: Partial<EscalationFacts> = {}): EscalationFacts => ({ openedAt: at(0), acknowledgedAt: [], escalatedAt: [], resolvedAt: null, ...f });
const show = (steps: { id: string; dueAt: Date }[]) => steps.map((s) => `${s.id}@${s.dueAt.getTime()}`);

test('unacknowledged: Level 1 at once, Level 2 after 15, Level 3 after 30, each reminded at its own interval', () => {
  assert.deepEqual(show(escalationSteps(policy, facts(), at(31))), [
    'r0-l1-0@0', 'r0-l1-1@5', 'r0-l1-2@10', 'r0-l1-3@15', 'r0-l2-0@15', 'r0-l1-4@20', 'r0-l1-5@25', 'r0-l2-1@25', 'r0-l1-6@30', 'r0-l3-0@30',
  ]);
});

test('an acknowledgement ends the round; unresolved, the chain starts again from Level 1 after reescalateAfterMinutes', () => {
  const steps = show(escalationSteps(policy, facts({ acknowledgedAt: [at(12)] }), at(50)));
  assert.deepEqual(steps, ['r0-l1-0@0', 'r0-l1-1@5', 'r0-l1-2@10', 'r1-l1-0@32', 'r1-l1-1@37', 'r1-l1-2@42', 'r1-l1-3@47', 'r1-l2-0@47']);
});

test('a step due at the moment of the acknowledgement is cancelled', () => {
  assert.deepEqual(show(escalationSteps(policy, facts({ acknowledgedAt: [at(15)] }), at(20))), ['r0-l1-0@0', 'r0-l1-1@5', 'r0-l1-2@10']);
});

test('a second acknowledgement in the quiet time changes nothing; one in the next round ends that round', () => {
  const twice = facts({ acknowledgedAt: [at(12), at(20)] });
  assert.deepEqual(show(escalationSteps(policy, twice, at(33))), show(escalationSteps(policy, facts({ acknowledgedAt: [at(12)] }), at(33))));
  const steps = show(escalationSteps(policy, facts({ acknowledgedAt: [at(12), at(33)] }), at(60)));
  assert.deepEqual(steps, ['r0-l1-0@0', 'r0-l1-1@5', 'r0-l1-2@10', 'r1-l1-0@32', 'r2-l1-0@53', 'r2-l1-1@58']);
});

test('resolving ends everything, in the quiet time too', () => {
  assert.deepEqual(show(escalationSteps(policy, facts({ resolvedAt: at(7) }), at(100))), ['r0-l1-0@0', 'r0-l1-1@5']);
  assert.deepEqual(show(escalationSteps(policy, facts({ acknowledgedAt: [at(3)], resolvedAt: at(10) }), at(100))), ['r0-l1-0@0']);
  assert.deepEqual(pendingSteps(policy, facts({ resolvedAt: at(7) }), new Set(), at(8)), []);
});

test('Escalate now pages the next level at once; the levels after it keep their times', () => {
  const steps = show(escalationSteps(policy, facts({ escalatedAt: [at(3)] }), at(30)));
  assert.deepEqual(steps, ['r0-l1-0@0', 'r0-l2-0@3', 'r0-l1-1@5', 'r0-l1-2@10', 'r0-l2-1@13', 'r0-l1-3@15', 'r0-l1-4@20', 'r0-l2-2@23', 'r0-l1-5@25', 'r0-l1-6@30', 'r0-l3-0@30']);
  const twice = show(escalationSteps(policy, facts({ escalatedAt: [at(3), at(4)] }), at(4)));
  assert.deepEqual(twice, ['r0-l1-0@0', 'r0-l2-0@3', 'r0-l3-0@4']);
  // Past the last level there is nothing left to page.
  assert.deepEqual(show(escalationSteps(policy, facts({ escalatedAt: [at(3), at(4), at(4.5)] }), at(4.5))), twice);
});

test('Escalate now in the quiet time after an acknowledgement starts the next round at once', () => {
  const steps = show(escalationSteps(policy, facts({ acknowledgedAt: [at(2)], escalatedAt: [at(8)] }), at(9)));
  assert.deepEqual(steps, ['r0-l1-0@0', 'r1-l1-0@8']);
});

test('pendingSteps: the next group due, overdue pages, and of overdue reminders only the latest per level', () => {
  assert.deepEqual(show(pendingSteps(policy, facts(), new Set(['r0-l1-0', 'r0-l1-1', 'r0-l1-2']), at(12))), ['r0-l1-3@15', 'r0-l2-0@15']);
  // The service was down from minute 1 to minute 27.
  assert.deepEqual(show(pendingSteps(policy, facts(), new Set(['r0-l1-0']), at(27))), ['r0-l2-0@15', 'r0-l1-5@25', 'r0-l2-1@25', 'r0-l1-6@30', 'r0-l3-0@30']);
  // After an acknowledgement the next thing is the re-escalation.
  assert.deepEqual(show(pendingSteps(policy, facts({ acknowledgedAt: [at(2)] }), new Set(['r0-l1-0']), at(3))), ['r1-l1-0@22']);
});

test('stepStillDue: a step cancelled by an acknowledgement, or not due yet, is not fired', () => {
  assert.equal(stepStillDue(policy, facts(), 'r0-l2-0', at(15))?.level, 2);
  assert.equal(stepStillDue(policy, facts(), 'r0-l2-0', at(14)), null);
  assert.equal(stepStillDue(policy, facts({ acknowledgedAt: [at(14)] }), 'r0-l2-0', at(16)), null);
  assert.equal(stepStillDue(policy, facts({ resolvedAt: at(14) }), 'r0-l2-0', at(16)), null);
  // Due before the acknowledgement but not sent (the service was down): never sent after it.
  assert.equal(stepStillDue(policy, facts({ acknowledgedAt: [at(16)] }), 'r0-l2-0', at(17)), null);
  assert.deepEqual(show(pendingSteps(policy, facts({ acknowledgedAt: [at(16)] }), new Set(['r0-l1-0']), at(17))), ['r1-l1-0@36']);
});

test('only the configured levels take part; none configured means no steps', () => {
  const two = escalationPolicy({ level2: { afterMinutes: 15, remindEveryMinutes: 5 }, reescalateAfterMinutes: 30 }, 60_000);
  assert.deepEqual(show(escalationSteps(two, facts(), at(16 * 60_000))), [`r0-l2-0@${15 * 60_000}`]);
  assert.deepEqual(pendingSteps(escalationPolicy({ reescalateAfterMinutes: 30 }, 60_000), facts(), new Set(), at(0)), []);
});
