/**
 * Escalation on real Redis/BullMQ with one minute = 100 ms, the Slack emulator, a real SMTP
 * server and a real webhook receiver: the three levels on schedule through every channel,
 * Acknowledge stopping the chain and the re-escalation after it, a restart between two levels
 * (nothing lost, nothing repeated, on time), and dead email/webhook targets whose messages are
 * kept and delivered once they are back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { pino } from 'pino';
import { startSlackBot } from '../../src/slack/app.js';
import { SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { flushOutboxFor } from '../../src/notify/notifier-for.js';
import { Outbox } from '../../src/notify/outbox.js';
import { verifyWebhookSignature } from '../../src/notify/webhook-signature.js';
import { readableMail } from '../support/notify-receivers.js';
import { requireRedis } from '../support/require-services.js';
import { slackPings, startEscalationFixture, waitFor, WEBHOOK_SECRET, type EscalationFixture } from '../support/escalation-fixture.js';

const MINUTE_MS = 100;
/**
 * How late a ping may arrive in Slack after its due time: issue 13's bound (bench/escalation's p99
 * target). Level 1 is due when the incident opens, so it also carries the placement in Slack
 * and the lock and fsync of recording the step: ~0.7 s on this shared machine under load 8–10.
 */
const LATE_MS = 2000;

let fx: EscalationFixture;
before(async () => {
  await requireRedis();
  fx = await startEscalationFixture({ minuteMs: MINUTE_MS, reescalateAfterMinutes: 10 });
  await fx.start();
});
after(async () => { await fx?.cleanup(); });

const openedAtOf = async (id: string) => new Date((await fx.store.get(id)).openedAt).getTime();
const sentOf = async (id: string) => ((await fx.store.get(id)).escalation as { sent?: Record<string, string> } | undefined)?.sent ?? {};
const keptIn = async (targets: string[]) => {
  let n = 0;
  for (const t of targets) n += (await new Outbox(join(fx.config.stateDir, 'escalation-outbox', t), 'production').list()).entries.length;
  return n;
};
const threadPings = (id: string) => slackPings(fx.slack, id).filter((p) => p.thread);
const assertOnTime = (what: string, at: number, due: number) => {
  assert.ok(at >= due - 250, `${what} came ${due - at} ms early`);
  assert.ok(at - due <= LATE_MS, `${what} came ${at - due} ms late`);
};

test('escalates through three levels on schedule: thread, DMs, email and signed webhooks', async () => {
  const id = await fx.open('checkout down after rollback failed');
  const opened = await openedAtOf(id);
  await waitFor('three pages', () => threadPings(id).length >= 3, 10_000);
  const thread = threadPings(id);
  assert.deepEqual(thread.map((p) => p.text.split(':')[0]), ['Level 1 paged', 'Level 2 paged', 'Level 3 paged']);
  [0, 15, 30].forEach((after, i) => assertOnTime(`level ${i + 1}`, thread[i]!.at, opened + after * MINUTE_MS));
  // Mentions: people and the user group in the thread; DMs to the people and the group's members, once each.
  const l1 = fx.slack.callsOf('chat.postMessage').find((c) => typeof c.args.thread_ts === 'string' && JSON.stringify(c.args.blocks).includes(id))!;
  assert.match(JSON.stringify(l1.args.blocks), /<@U0DEV00001> <!subteam\^S0DEVTEAM1>/);
  assert.deepEqual(fx.slack.callsOf('conversations.open').map((c) => c.args.users).sort(), ['U0CTO00001', 'U0DEV00001', 'U0DEV00002', 'U0LEAD0001']);
  await waitFor('four DMs', () => slackPings(fx.slack, id).filter((p) => !p.thread).length >= 4);
  const dms = slackPings(fx.slack, id).filter((p) => !p.thread).map((p) => fx.slack.state.dms.get(p.channel));
  assert.deepEqual([...dms.slice(0, 2).sort(), ...dms.slice(2)], ['U0DEV00001', 'U0DEV00002', 'U0LEAD0001', 'U0CTO00001']);
  for (const action of ['incident_acknowledge', 'incident_escalate_now', 'incident_resolve']) assert.match(JSON.stringify(l1.args.blocks), new RegExp(action));
  // Email to each level's addresses (and the environment's), webhooks signed.
  await waitFor('emails', () => fx.bed.smtp.messages.filter((m) => m.raw.includes(id)).length >= 5);
  const to = fx.bed.smtp.messages.filter((m) => m.raw.includes(id)).map((m) => m.to.join(','));
  assert.equal(to.filter((t) => t === 'dev@example.com').length, 1);
  assert.equal(to.filter((t) => t === 'lead@example.com').length, 1);
  assert.equal(to.filter((t) => t === 'ops@example.com').length, 3);
  assert.match(readableMail(fx.bed.smtp.messages.find((m) => m.to.includes('lead@example.com'))!.raw).headers, /Subject: .*Level 2 paged/);
  await waitFor('webhooks', () => fx.bed.http.requests.filter((r) => r.body.includes(id)).length >= 2);
  for (const r of fx.bed.http.requests.filter((q) => q.body.includes(id))) {
    assert.deepEqual(verifyWebhookSignature(WEBHOOK_SECRET, r.body, { timestamp: r.headers['x-ripcord-timestamp'] as string, signature: r.headers['x-ripcord-signature'] as string }), { ok: true });
  }
  assert.deepEqual(fx.bed.http.requests.filter((r) => r.body.includes(id)).map((r) => r.path), ['/level2', '/level3']);
  const incident = await fx.store.get(id);
  assert.equal(incident.escalationLevel, 3);
  assert.deepEqual(Object.keys(await sentOf(id)).sort(), ['r0-l1-0', 'r0-l2-0', 'r0-l3-0']);
  await fx.store.resolve(id, 'U0DEV00001');
});

test('Acknowledge stops the chain; unresolved, it escalates again after reescalateAfterMinutes; Resolve ends it', async () => {
  const id = await fx.open('acknowledged, then forgotten');
  const opened = await openedAtOf(id);
  await waitFor('level 1', () => threadPings(id).length >= 1);
  await new Promise((r) => setTimeout(r, 5 * MINUTE_MS));
  const acked = await fx.store.acknowledge(id, 'U0DEV00001');
  await fx.service!.timers.sync(id);
  const ackAt = new Date(acked.acknowledgedAt!).getTime();
  // Level 2 was due at 15 minutes: it never comes; Level 1 is paged again 10 minutes after the acknowledgement.
  await waitFor('the re-escalation', () => threadPings(id).length >= 2, 10_000);
  const thread = threadPings(id);
  assert.match(thread[1]!.text, /^Level 1 paged \(escalated again/);
  assertOnTime('re-escalation', thread[1]!.at, ackAt + 10 * MINUTE_MS);
  assert.ok(thread[1]!.at > opened + 15 * MINUTE_MS && threadPings(id).every((p) => !p.text.startsWith('Level 2')), 'no level 2 after the acknowledgement');
  assert.equal((await fx.store.get(id)).state, 'open', 'escalated again: the next Acknowledge counts');
  await fx.store.resolve(id, 'U0LEAD0001');
  const count = threadPings(id).length;
  await new Promise((r) => setTimeout(r, 20 * MINUTE_MS));
  assert.equal(threadPings(id).length, count, 'nothing after Resolve');
});

test('the executor restarted between two levels neither loses nor repeats a ping, and keeps the times', async () => {
  const id = await fx.open('restart between levels');
  const opened = await openedAtOf(id);
  await waitFor('level 1', () => threadPings(id).length >= 1);
  await fx.stop();
  // Down across Level 2's due time (15 min = 1.5 s): it fires as soon as the executor is back.
  await new Promise((r) => setTimeout(r, 17 * MINUTE_MS - (Date.now() - opened)));
  const restartedAt = Date.now();
  await fx.start();
  await waitFor('level 3', () => threadPings(id).length >= 3, 10_000);
  await new Promise((r) => setTimeout(r, 5 * MINUTE_MS));
  const thread = threadPings(id);
  assert.deepEqual(thread.map((p) => p.text.split(':')[0]), ['Level 1 paged', 'Level 2 paged', 'Level 3 paged'], 'each once');
  assert.ok(thread[1]!.at - restartedAt <= LATE_MS, `level 2 came ${thread[1]!.at - restartedAt} ms after the restart`);
  assertOnTime('level 3 after the restart', thread[2]!.at, opened + 30 * MINUTE_MS);
  await fx.store.resolve(id, 'U0DEV00001');
});

test('dead SMTP, a webhook answering 500 and Slack down: the chain keeps time, and email and webhook messages are kept, then delivered', async () => {
  const id = await fx.open('sinks down');
  await waitFor('level 1 by email', () => fx.bed.smtp.messages.filter((m) => m.raw.includes(id)).length >= 2);
  await fx.bed.smtp.stop();
  fx.bed.http.answer.status = 500;
  const opened = await openedAtOf(id);
  await waitFor('level 2 sent', async () => Boolean((await sentOf(id))['r0-l2-0']), 10_000);
  assertOnTime('level 2 with dead sinks', new Date((await sentOf(id))['r0-l2-0']!).getTime(), opened + 15 * MINUTE_MS);
  await fx.slack.stop();
  await waitFor('level 3 sent', async () => Boolean((await sentOf(id))['r0-l3-0']), 10_000);
  assertOnTime('level 3 with Slack down', new Date((await sentOf(id))['r0-l3-0']!).getTime(), opened + 30 * MINUTE_MS);
  assert.equal(fx.bed.smtp.messages.filter((m) => m.raw.includes(id)).length, 2, 'only level 1 reached SMTP before it died');
  await waitFor('both webhooks tried (answered 500)', () => new Set(fx.bed.http.requests.filter((r) => r.body.includes(id)).map((r) => r.path)).size === 2);
  await waitFor('kept in the outboxes', async () => (await keptIn(['level2-email', 'level2-webhook1', 'level3-webhook1'])) === 3);
  await fx.bed.smtp.start();
  fx.bed.http.answer.status = 200;
  await fx.service!.flushOutboxes();
  await flushOutboxFor(fx.config, 'production', pino({ level: 'silent' }));
  assert.equal(await keptIn(['level2-email', 'level2-webhook1', 'level3-webhook1']), 0, 'the outboxes are empty once delivered');
  const lead = fx.bed.smtp.messages.filter((m) => m.raw.includes(id) && m.to.includes('lead@example.com'));
  assert.equal(lead.length, 1, 'level 2 email delivered once SMTP is back');
  assert.equal(fx.bed.smtp.messages.filter((m) => m.raw.includes(id) && m.to.includes('ops@example.com')).length, 3, 'the environment\'s own email too');
  const delivered = fx.bed.http.requests.filter((r) => r.body.includes(id)).slice(-2).map((r) => r.path).sort();
  assert.deepEqual(delivered, ['/level2', '/level3'], 'both webhooks resent after the 500s');
  await fx.store.resolve(id, 'U0DEV00001');
});

test('the buttons of a ping, clicked in Slack: Acknowledge stops it, Escalate now in the quiet time starts the next round at once, Resolve ends it', async () => {
  await fx.slack.stop().catch(() => undefined);
  fx.slack = await SlackEmulator.start();
  // Slack was left down by the test before: a fresh Slack, and the executor pointed at it.
  fx.config.slack.apiUrl = fx.slack.apiUrl;
  // Clicks go through Socket Mode and the thread notes of IncidentService: a longer minute keeps
  // each click well inside the window it is meant for (the quiet time is 10 minutes = 3 s here).
  const minute = 300;
  fx.config.service.escalationMinuteMs = minute;
  await fx.stop();
  await fx.start();
  const bot = await startSlackBot(fx.config, pino({ level: 'silent' }));
  try {
    await fx.slack.socket.connected();
    const id = await fx.open('buttons');
    const opened = await openedAtOf(id);
    await waitFor('level 1', () => threadPings(id).length >= 1);
    const ping = fx.slack.callsOf('chat.postMessage').find((c) => typeof c.args.thread_ts === 'string' && JSON.stringify(c.args.blocks).includes(id))!;
    const actions = (ping.args.blocks as Array<{ type: string; block_id: string; elements: Array<Record<string, unknown>> }>).find((b) => b.type === 'actions')!;
    const click = async (actionId: string, userId: string) => {
      const button = actions.elements.find((e) => e.action_id === actionId)!;
      const { ack, responseUrl } = await fx.slack.socket.clickButton({ button, blockId: actions.block_id, userId });
      assert.ok(ack.ms < 3000);
      await waitFor(`the answer to ${actionId}`, () => fx.slack.responsePosts.some((p) => responseUrl.endsWith(p.id)));
      return JSON.stringify(fx.slack.responsePosts.find((p) => responseUrl.endsWith(p.id))!.body);
    };
    assert.match(await click('incident_acknowledge', 'U0DEV00001'), /Acknowledged incident .*escalates again from level 1/);
    assert.equal((await fx.store.get(id)).acknowledgedBy, 'U0DEV00001');
    // In the quiet time after the acknowledgement (10 minutes), Escalate now starts the next round at once.
    const pressed = Date.now();
    assert.match(await click('incident_escalate_now', 'U0LEAD0001'), /Escalated incident/);
    await waitFor('the next round', () => threadPings(id).length >= 2);
    assert.match(threadPings(id)[1]!.text, /^Level 1 paged \(escalated again/);
    assert.ok(threadPings(id)[1]!.at - pressed <= LATE_MS, 'at once');
    // Open again: a second Acknowledge counts, and that round's Level 2 (15 minutes after the press) never comes.
    assert.match(await click('incident_acknowledge', 'U0DEV00001'), /Acknowledged incident/);
    await new Promise((r) => setTimeout(r, pressed + 17 * minute - Date.now()));
    // Level 1 again 10 minutes after the second acknowledgement (r2), but never Level 2.
    assert.deepEqual(Object.keys(await sentOf(id)).filter((k) => !k.startsWith('r2-')).sort(), ['r0-l1-0', 'r1-l1-0']);
    assert.ok(threadPings(id).every((p) => p.text.startsWith('Level 1 paged')), 'no level 2 after either acknowledgement');
    assert.ok(threadPings(id)[0]!.at - opened <= LATE_MS);
    assert.match(await click('incident_resolve', 'U0LEAD0001'), /Resolved incident/);
    assert.equal((await fx.store.get(id)).state, 'resolved');
    const count = threadPings(id).length;
    await new Promise((r) => setTimeout(r, 12 * minute));
    assert.equal(threadPings(id).length, count, 'nothing after Resolve');
  } finally {
    await bot.stop();
    fx.config.service.escalationMinuteMs = MINUTE_MS;
  }
});
