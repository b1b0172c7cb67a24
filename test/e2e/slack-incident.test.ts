/**
 * `/incident` end to end without Docker: the real bot (Bolt over Socket Mode) against the Slack
 * emulator, real Redis for its queue connection, and an incident opened by a real failed-rollback
 * journal. Severity by command and by button, acknowledge, resolve (the report in the thread),
 * report, list and open by hand; every Slack call within Slack's rules. Someone neither listed in
 * `permissions.incident` nor a contact is refused Resolve (command and button) privately; every
 * refusal and every act is in the audit trail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { RipcordConfig } from '../../src/config/schema.js';
import type { Incident } from '../../src/domain/incident.js';
import { escalationButtons } from '../../src/incidents/escalation-message.js';
import { IncidentStore } from '../../src/incidents/incident-store.js';
import { readAudit, type AuditEntry } from '../../src/state/audit-log.js';
import { incidentAfterReport } from '../../src/incidents/open-on-failure.js';
import { startSlackBot, type SlackBot } from '../../src/slack/app.js';
import { requireRedis } from '../support/require-services.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../support/service-fixtures.js';
import { failedRollbackReport, incidentConfig, tempIncidentRoot } from '../support/incident-fixtures.js';
import { APP_TOKEN, BOT_TOKEN, SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { waitFor } from '../support/stack/stack-helpers.js';

type Obj = Record<string, unknown>;
const r = tempIncidentRoot();
const prefix = newPrefix();
let slack: SlackEmulator;
let bot: SlackBot;
let config: RipcordConfig;
let incident: Incident;
const store = () => new IncidentStore(r.stateDir);

async function incidentCommand(text: string, channelId?: string, userId = 'U0DEV1'): Promise<string> {
  const { ack, responseUrl } = await slack.socket.slashCommand({ command: '/incident', text, ...(channelId ? { channelId } : {}), userId });
  assert.ok(ack.ms < 3000, `acknowledged in ${ack.ms} ms`);
  const id = responseUrl.split('/').pop();
  await waitFor(async () => slack.responsePosts.some((p) => p.id === id), 30_000, `the answer to /incident ${text}`, 50);
  const post = slack.responsePosts.find((p) => p.id === id)!;
  assert.equal(post.status, 200, post.error);
  return JSON.stringify(post.body);
}

before(async () => {
  await requireRedis();
  slack = await SlackEmulator.start();
  config = incidentConfig(r, { apiUrl: slack.apiUrl, botToken: BOT_TOKEN, mode: 'channel' });
  config.slack.appToken = APP_TOKEN;
  config.redis = { url: REDIS_URL, prefix };
  // Listed: U0OPS; let in besides: the contacts (U0DEV1, U0DEV2, U0LEAD) the escalation pages.
  config.environments.production!.permissions.incident = ['U0OPS'];
  const log = pino({ level: process.env.RIPCORD_TEST_LOG ?? 'silent' });
  const opened = await incidentAfterReport(config, await failedRollbackReport(r.stateDir), log, { placement: { retryDelayMs: 10 } });
  assert.ok(opened?.slack);
  incident = opened;
  bot = await startSlackBot(config, log);
  await slack.socket.connected();
});

after(async () => {
  await bot?.stop().catch(() => undefined);
  await slack?.stop();
  await dropPrefix(prefix);
  r.cleanup();
});

const incidentAudit = async () => (await readAudit(bot.audit.path)).filter((e) => e.action === 'incident');
const seen = (e: AuditEntry) => [e.event, e.user.id, e.target, e.detail];

describe('/incident through the emulator', () => {
  test('someone not allowed is refused Resolve, by command and by button, privately and audited; the incident stays open', async () => {
    const said = await incidentCommand('resolve', incident.slack!.channel, 'U0MALLORY');
    assert.match(said, /"response_type":"ephemeral"/);
    assert.match(said, /Sorry — you are not allowed to act on incidents of \*production\*/);
    assert.match(said, /<@U0OPS>, <@U0DEV1>, <@U0DEV2> or <@U0LEAD>/);
    // The buttons an escalation ping carries (pings come from the executor's timers, not started here).
    const block = escalationButtons(incident.id) as unknown as Obj;
    const button = (block.elements as Obj[]).find((e) => e.action_id === 'incident_resolve')!;
    const { responseUrl } = await slack.socket.clickButton({ button, blockId: String(block.block_id), channelId: incident.slack!.channel, userId: 'U0MALLORY' });
    const id = responseUrl.split('/').pop();
    await waitFor(async () => slack.responsePosts.some((p) => p.id === id), 30_000, 'the answer to the click', 50);
    assert.match(JSON.stringify(slack.responsePosts.find((p) => p.id === id)!.body), /ephemeral.*not allowed to act on incidents of/);
    assert.equal((await store().get(incident.id)).state, 'open');
    assert.deepEqual((await incidentAudit()).map(seen), [
      ['denied', 'U0MALLORY', `resolve ${incident.id}`, 'not_permitted'],
      ['denied', 'U0MALLORY', `resolve ${incident.id}`, 'not_permitted'],
    ]);
  });

  test('list, severity by command and by button, ack, resolve with the report in the thread, report', async () => {
    assert.match(await incidentCommand('list'), new RegExp(incident.id));
    assert.match(await incidentCommand('severity P2', incident.slack!.channel), /Severity P2/);
    assert.equal((await store().get(incident.id)).severity, 'P2');
    const summary = () => slack.state.find(incident.slack!.channel, incident.slack!.ts)!;
    await waitFor(async () => JSON.stringify(summary().blocks).includes('● P2'), 10_000, 'the pinned summary to show P2', 50);
    const buttons = (summary().blocks as Obj[]).find((b) => b.type === 'actions')!;
    const p3 = (buttons.elements as Obj[]).find((e) => e.action_id === 'incident_severity_P3')!;
    await slack.socket.clickButton({ button: p3, blockId: String(buttons.block_id), channelId: incident.slack!.channel, userId: 'U0LEAD' });
    await waitFor(async () => (await store().get(incident.id)).severity === 'P3', 10_000, 'the P3 button to set the severity', 50);
    assert.match(await incidentCommand('ack', incident.slack!.channel), /Acknowledged/);
    assert.match(await incidentCommand('resolve', incident.slack!.channel), /Resolved/);
    const resolved = await store().get(incident.id);
    assert.equal(resolved.state, 'resolved');
    assert.equal(resolved.acknowledgedBy, 'U0DEV1');
    const thread = slack.state.messages.filter((m) => m.threadTs === incident.slack!.ts).map((m) => JSON.stringify([m.text, m.blocks]));
    assert.ok(thread.some((t) => t.includes('Incident report') && t.includes('| Detection |')), 'the report is posted in the thread');
    assert.match(await incidentCommand(`report ${incident.id}`), /Severity:\*\* P3.*Resolved \| \d{4}-/s);
    // Every act of those let in (U0DEV1 a contact, U0LEAD a contact) is audited, asked then
    // finished (a button's finished entry may land after the next command's asked: sorted).
    await waitFor(async () => (await incidentAudit()).filter((e) => e.event === 'finished').length === 4, 10_000, 'four finished entries', 50);
    const acts = (await incidentAudit()).filter((e) => e.event !== 'denied').map(seen);
    const order = (a: unknown[]) => JSON.stringify([a[2], a[0]]);
    assert.deepEqual(acts.sort((a, b) => order(a).localeCompare(order(b))), [
      ['asked', 'U0DEV1', `acknowledge ${incident.id}`, undefined], ['finished', 'U0DEV1', `acknowledge ${incident.id}`, 'acknowledged'],
      ['asked', 'U0DEV1', `resolve ${incident.id}`, undefined], ['finished', 'U0DEV1', `resolve ${incident.id}`, 'resolved'],
      ['asked', 'U0DEV1', `severity P2 ${incident.id}`, undefined], ['finished', 'U0DEV1', `severity P2 ${incident.id}`, 'open'],
      ['asked', 'U0LEAD', `severity P3 ${incident.id}`, undefined], ['finished', 'U0LEAD', `severity P3 ${incident.id}`, 'open'],
    ]);
    // A 429 is Slack pacing a burst (note, report, summary update within a second): waited out and sent again, never refused.
    assert.deepEqual(slack.calls.filter((c) => c.status !== 429 && c.response.ok !== true).map((c) => [c.method, c.response]), []);
  });

  test('open by hand places a new incident; bad input says what works', async () => {
    assert.match(await incidentCommand('open production checkout is slow'), /Incident opened/);
    const mine = (await store().list({ state: 'unresolved' })).find((i) => i.summary === 'checkout is slow');
    assert.ok(mine?.slack, 'placed in Slack');
    assert.equal(mine.openedBy, 'U0DEV1');
    assert.match(await incidentCommand('severity P9'), /not one of P1, P2, P3, P4/);
    assert.match(await incidentCommand('reboot'), /not a command/);
  });
});
