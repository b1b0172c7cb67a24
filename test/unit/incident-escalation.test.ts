import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escalationPolicy, escalationSteps, type EscalationStep } from '../../src/domain/escalation-schedule.js';
import { acknowledge, escalate, openIncident } from '../../src/domain/incident.js';
import { escalationFacts, sentSteps, withStepSent } from '../../src/domain/incident-escalation.js';
import { escalationNotification, escalationSlackMessage, mentionOf } from '../../src/incidents/escalation-message.js';

const t0 = new Date('2026-11-30T10:00:00Z');
const min = (m: number) => new Date(t0.getTime() + m * 60_000);
const base = openIncident({ id: 'inc-20261130-production-ab12', environment: 'production', operationId: 'op-1', summary: 'rollback failed at <restore>', openedBy: 'ripcord' }, t0);
const policy = escalationPolicy({ level1: { afterMinutes: 0, remindEveryMinutes: 5 }, level2: { afterMinutes: 15, remindEveryMinutes: 5 }, reescalateAfterMinutes: 30 }, 60_000);
const step = (id: string, facts = escalationFacts(base), until = min(200)): EscalationStep => escalationSteps(policy, facts, until).find((s) => s.id === id)!;

test('facts come from the timeline: acknowledgements and people\'s escalations, not the timers\' own entries', () => {
  let i = withStepSent(base, step('r0-l1-0'), t0);
  i = escalate(i, 'U0LEAD0001', min(3), 3);
  i = acknowledge(i, 'U0DEV00001', min(4));
  const facts = escalationFacts(i);
  assert.deepEqual(facts.escalatedAt, [min(3)]);
  assert.deepEqual(facts.acknowledgedAt, [min(4)]);
  assert.equal(facts.openedAt.getTime(), t0.getTime());
});

test('a sent step is recorded once; a page raises the level and goes on the timeline, a reminder does not', () => {
  const paged = withStepSent(base, step('r0-l2-0'), min(15));
  assert.equal(paged.escalationLevel, 2);
  assert.equal(paged.timeline.at(-1)?.text, 'level 2 paged');
  assert.equal(withStepSent(paged, step('r0-l2-0'), min(16)), paged, 'the same object: nothing to write');
  const reminded = withStepSent(paged, step('r0-l2-1'), min(20));
  assert.equal(reminded.timeline.length, paged.timeline.length);
  assert.deepEqual([...sentSteps(reminded).keys()], ['r0-l2-0', 'r0-l2-1']);
});

test('the first page of a new round opens an acknowledged incident again, so the next Acknowledge counts', () => {
  const acked = acknowledge(withStepSent(base, step('r0-l1-0'), t0), 'U0DEV00001', min(2));
  const again = step('r1-l1-0', escalationFacts(acked));
  assert.equal(again.dueAt.getTime(), min(32).getTime());
  const reopened = withStepSent(acked, again, min(32));
  assert.equal(reopened.state, 'open');
  assert.equal(reopened.escalationLevel, 1);
  assert.match(reopened.timeline.at(-1)!.text, /escalating again/);
  assert.equal(acknowledge(reopened, 'U0LEAD0001', min(33)).state, 'acknowledged');
});

test('the Slack ping mentions people and groups, escapes the summary, and carries the three buttons', () => {
  const m = escalationSlackMessage(base, step('r0-l1-0'), ['U0DEV00001', 'S0DEVTEAM1'], 'https://slack.com/archives/C1/p1');
  const shown = JSON.stringify(m.blocks);
  assert.match(shown, /<@U0DEV00001> <!subteam\^S0DEVTEAM1>/);
  assert.match(shown, /&lt;restore&gt;/);
  assert.deepEqual((m.blocks[1] as unknown as { elements: Array<{ action_id: string; value: string }> }).elements.map((e) => [e.action_id, e.value]), [
    ['incident_acknowledge', base.id], ['incident_escalate_now', base.id], ['incident_resolve', base.id],
  ]);
  assert.equal(mentionOf('W0ENTERPRISE'), '<@W0ENTERPRISE>');
  const n = escalationNotification(base, step('r0-l1-1'), min(5));
  assert.match(n.title, /^Reminder 1 to level 1/);
  assert.equal(n.fields?.incident, base.id);
});

test('the answer to a button press says what happened and what comes next, escaped', async () => {
  const { incidentButtonAnswer } = await import('../../src/slack/messages/incident-button-answer.js');
  assert.match(incidentButtonAnswer('acknowledge', base, 30).text, /escalation stopped\. Still unresolved in 30 min, it escalates again from level 1/);
  assert.match(JSON.stringify(incidentButtonAnswer('escalate_now', { ...base, escalationLevel: 2 }, 30).blocks), /level 2 is paged now/);
  assert.match(JSON.stringify(incidentButtonAnswer('resolve', base, 30).blocks), /&lt;restore&gt;/);
});
