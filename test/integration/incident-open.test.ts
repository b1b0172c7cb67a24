/**
 * A failed rollback opens one incident and puts it in Slack (the local emulator, which enforces
 * Slack's channel-name, invite, pin and message rules): channel mode, thread mode, a channel name
 * already taken, channel creation failing three times (→ a thread), a retried report (no second
 * incident), the notification linking to the thread, and the report's timeline against the
 * journal. No Docker, no Redis: seconds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { incidentChannelName } from '../../src/domain/incident-channel.js';
import { foldJournal } from '../../src/domain/journal-facts.js';
import { IncidentStore } from '../../src/incidents/incident-store.js';
import { incidentAfterReport } from '../../src/incidents/open-on-failure.js';
import { tellOutcome } from '../../src/operations/tell-outcome.js';
import { journalPath, readJournal } from '../../src/state/journal.js';
import { failedRollbackReport, incidentConfig, tempIncidentRoot, type IncidentRoot } from '../support/incident-fixtures.js';
import { BOT_TOKEN, SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { WebApiState } from '../support/slack-emulator/web-api.js';

const log = pino({ level: 'silent' });
const fast = { placement: { retryDelayMs: 10 } };
let slack: SlackEmulator;
const roots: IncidentRoot[] = [];
const fresh = () => { const r = tempIncidentRoot(); roots.push(r); return r; };

before(async () => { slack = await SlackEmulator.start(); });
after(async () => { await slack.stop(); for (const r of roots) r.cleanup(); });

const shown = (ts: string) => JSON.stringify(slack.state.messages.find((m) => m.ts === ts));

describe('incidents open on a failed rollback', () => {
  test('channel mode: one channel named inc-YYYYMMDD-env-slug, responders invited, summary pinned, checklists in its thread', async () => {
    const r = fresh();
    const config = incidentConfig(r, { apiUrl: slack.apiUrl, botToken: BOT_TOKEN, mode: 'channel' });
    const report = await failedRollbackReport(r.stateDir);
    const incident = await incidentAfterReport(config, report, log, fast);
    assert.ok(incident?.slack);
    assert.equal(incident.slack.mode, 'channel');
    const channel = slack.state.conversations.channels.get(incident.slack.channel);
    assert.ok(channel);
    assert.equal(channel.name, incidentChannelName(new Date(incident.openedAt), 'production', incident.summary));
    assert.match(channel.name, /^inc-\d{8}-production-deploy-v1-1-0-failed-its-rollback-stopped-at-start_pr$/, 'cut to fit 80 with room for a suffix');
    assert.deepEqual([...channel.members].sort(), ['U0DEV1', 'U0DEV2', 'U0RIPCORD']);
    assert.ok(channel.pins.has(incident.slack.ts), 'the summary is pinned');
    const summary = shown(incident.slack.ts);
    assert.match(summary, /up failed: web exited 1: cannot import name settings/);
    assert.match(summary, /rollback stopped at start_previous_images/);
    assert.match(summary, /Stopped at start_previous_images/);
    assert.match(summary, /ripcord rollback --env production --commit aaaaaaaaaaaa/);
    assert.match(summary, /incident_severity_P4/);
    const thread = slack.state.messages.filter((m) => m.threadTs === incident.slack!.ts);
    assert.deepEqual(thread.map((m) => m.text), ['Rollback checklists: before, during, after']);
    assert.equal(JSON.stringify(thread[0]?.blocks).match(/"checkboxes"/g)?.length, 3);
    assert.ok(slack.calls.every((c) => c.response.ok === true), JSON.stringify(slack.calls.filter((c) => !c.response.ok).map((c) => [c.method, c.response])));
  });

  test('a retried report, and a recovery of the same operation, open no second incident and post nothing new', async () => {
    const r = fresh();
    const config = incidentConfig(r, { apiUrl: slack.apiUrl, botToken: BOT_TOKEN, mode: 'thread' });
    const report = await failedRollbackReport(r.stateDir);
    const first = await incidentAfterReport(config, report, log, fast);
    const posted = slack.calls.length;
    const again = await Promise.all([incidentAfterReport(config, report, log, fast), incidentAfterReport(config, { ...report }, log, fast)]);
    assert.deepEqual(again.map((i) => i?.id), [first?.id, first?.id]);
    assert.equal(slack.calls.length, posted, 'no Slack call for a duplicate');
    assert.equal((await new IncidentStore(r.stateDir).list()).length, 1);
  });

  test('thread mode: the summary in the incidents channel, the people mentioned, pinned', async () => {
    const r = fresh();
    const config = incidentConfig(r, { apiUrl: slack.apiUrl, botToken: BOT_TOKEN, mode: 'thread' });
    const incident = await incidentAfterReport(config, await failedRollbackReport(r.stateDir), log, fast);
    assert.equal(incident?.slack?.mode, 'thread');
    assert.equal(incident.slack.channel, WebApiState.channelId('#incidents'));
    assert.match(shown(incident.slack.ts), /<@U0DEV1> <@U0DEV2>/);
    assert.ok(slack.state.conversations.channels.get(incident.slack.channel)?.pins.has(incident.slack.ts));
  });

  test('a taken channel name gets a suffix', async () => {
    const r = fresh();
    const config = incidentConfig(r, { apiUrl: slack.apiUrl, botToken: BOT_TOKEN, mode: 'channel' });
    const report = await failedRollbackReport(r.stateDir);
    const name = incidentChannelName(new Date(), 'production', 'deploy v1.1.0 failed; its rollback stopped at start_previous_images');
    if (!slack.state.conversations.byName(name)) slack.state.conversations.reserve(name);
    if (!slack.state.conversations.byName(`${name}-2`)) slack.state.conversations.reserve(`${name}-2`);
    const incident = await incidentAfterReport(config, report, log, fast);
    assert.equal(slack.state.conversations.channels.get(incident!.slack!.channel)?.name.startsWith(`${name}-`), true);
    assert.ok(slack.callsOf('conversations.create').some((c) => c.response.error === 'name_taken'));
  });

  test('channel creation failing three times falls back to a thread that says why', async () => {
    const r = fresh();
    const config = incidentConfig(r, { apiUrl: slack.apiUrl, botToken: BOT_TOKEN, mode: 'channel' });
    const before = slack.callsOf('conversations.create').length;
    slack.failNext('conversations.create', 2, 'fatal_error');
    slack.failNext('conversations.create', 1, 'ratelimited');
    const incident = await incidentAfterReport(config, await failedRollbackReport(r.stateDir), log, fast);
    assert.equal(slack.callsOf('conversations.create').length - before, 3, 'three attempts, then no more');
    assert.equal(incident?.slack?.mode, 'thread');
    assert.match(incident.slack.fellBackBecause ?? '', /failed 3 times \(ratelimited\)/);
    const thread = slack.state.messages.filter((m) => m.threadTs === incident.slack!.ts).map((m) => m.text);
    assert.match(thread[0] ?? '', /could not be created/);
    assert.equal(thread.length, 2);
  });

  test('the notification links to the incident thread; the incident timeline is the journal\'s', async () => {
    const r = fresh();
    const config = incidentConfig(r, { apiUrl: slack.apiUrl, botToken: BOT_TOKEN, mode: 'thread' });
    const report = await failedRollbackReport(r.stateDir);
    await tellOutcome(config, 'production', report, log);
    const [incident] = await new IncidentStore(r.stateDir).list();
    assert.ok(incident?.slack);
    const line = readFileSync(config.environments.production!.notifications.logFile, 'utf8');
    assert.ok(line.includes(`https://slack.com/archives/${incident.slack.channel}/p${incident.slack.ts.replace('.', '')}`), line);
    const f = foldJournal((await readJournal(journalPath(r.stateDir, 'production', report.id))).entries);
    const at = (kind: string) => incident.timeline.find((e) => e.kind === kind)?.at;
    assert.equal(at('detected'), f.stages.find((s) => s.outcome === 'failed')?.finishedAt);
    assert.equal(at('rollback_executed'), f.steps.at(-1)?.finishedAt);
    const resolved = await new IncidentStore(r.stateDir).resolve(incident.id, 'U0DEV1');
    assert.ok(resolved.report?.includes(`| Detection | ${at('detected')!.slice(0, 10)} ${at('detected')!.slice(11, 19)} UTC |`));
  });

  test('without a bot token the incident is opened and kept, unplaced', async () => {
    const r = fresh();
    const incident = await incidentAfterReport(incidentConfig(r), await failedRollbackReport(r.stateDir), log);
    assert.equal(incident?.slack, null);
    assert.equal((await new IncidentStore(r.stateDir).get(incident.id)).state, 'open');
  });
});
