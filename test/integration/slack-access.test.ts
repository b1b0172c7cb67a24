/**
 * The Slack bot in HTTP mode, with nothing but Slack emulated: real Bolt behind Ripcord's
 * signature gate, the local Slack emulator answering 429 to every fifth Web API call, real git
 * (the reference stack's checkout, never started — no Docker), real Redis, real PostgreSQL for the
 * audit copy. Forged, old and replayed requests get 401 and run nothing; someone not allowed is
 * refused politely and audited; a production deploy waits for a second person's approval (the
 * requester cannot approve it), then is submitted once; its live message ends right through the
 * 429s; every step is in the audit file (0600), the store, and `ripcord audit`. An approval given
 * after the environment changed under the held preview runs nothing. `/backups create` is gated and
 * audited the same way (`permissions.backup`).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { openPublisher } from '../../src/queue/operation-events.js';
import { operationIndexKey } from '../../src/queue/operation-jobs.js';
import { startSlackBot, type SlackBot } from '../../src/slack/app.js';
import { auditPath, readAudit, type AuditEntry } from '../../src/state/audit-log.js';
import { ripcord } from '../support/cli.js';
import { requirePostgres, requireRedis } from '../support/require-services.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../support/service-fixtures.js';
import { shown } from '../support/slack-emulator/slack-bot-fixture.js';
import { BOT_TOKEN, SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { sign, SIGNING_SECRET, SignedSlack } from '../support/slack-emulator/signed-http.js';
import { WebApiState } from '../support/slack-emulator/web-api.js';
import { configFor, createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { waitFor } from '../support/stack/stack-helpers.js';

type Obj = Record<string, unknown>;
const CHANNEL = '#deploys-access';
const ALICE = { userId: 'U0ALICE', userName: 'alice' };
const BOB = { userId: 'U0BOB', userName: 'bob' }; // allowed through the user group
const MALLORY = { userId: 'U0MALLORY', userName: 'mallory' };
const log = pino({ level: process.env.RIPCORD_TEST_LOG ?? 'silent' });
const prefix = newPrefix();
const dbName = `ripcord_audit_${randomBytes(4).toString('hex')}`;
let stack: ReferenceStack;
let slack: SlackEmulator;
let bot: SlackBot;
let redis: Redis;
let http: SignedSlack;

const channelMessages = () => slack.state.messages.filter((m) => m.channel === WebApiState.channelId(CHANNEL) && !m.threadTs);
const operations = () => redis.zrange(operationIndexKey(prefix, 'production'), '0', '-1');
const audit = () => readAudit(auditPath(stack.stateDir));

async function answers(responseUrl: string, n = 1): Promise<Obj[]> {
  const id = responseUrl.split('/').pop();
  await waitFor(async () => slack.responsePosts.filter((p) => p.id === id && p.status === 200).length >= n, 30_000, `${n} answers to ${responseUrl}`, 50);
  return slack.responsePosts.filter((p) => p.id === id && p.status === 200).map((p) => p.body);
}

function buttonOf(message: { blocks?: unknown }, actionId: string): { button: Obj; blockId: string } {
  const block = (message.blocks as Obj[]).find((b) => b.type === 'actions' && (b.elements as Obj[]).some((e) => e.action_id === actionId))!;
  return { button: (block.elements as Obj[]).find((e) => e.action_id === actionId)!, blockId: String(block.block_id) };
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

before(async () => {
  await requireRedis();
  await requirePostgres();
  await admin(`CREATE DATABASE ${dbName}`);
  stack = await createReferenceStack();
  slack = await SlackEmulator.start({ failEvery: 5 });
  slack.state.userGroups.set('S0DEPLOYERS', ['U0BOB', 'U0CAROL']);
  const doc = configFor(stack, {
    slack: { channel: CHANNEL },
    permissions: { deploy: ['U0ALICE', 'S0DEPLOYERS'], backup: ['U0ALICE', 'S0DEPLOYERS'] },
    approval: { required: true, actions: ['deploy'], expiresMinutes: 15 },
  });
  Object.assign(doc, {
    redis: { url: REDIS_URL, prefix }, store: { databaseUrl: `postgres://postgres@127.0.0.1:5432/${dbName}` },
    slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, socketMode: false, listen: '127.0.0.1:0', apiUrl: slack.apiUrl },
  });
  writeFileSync(stack.configPath, stringify(doc));
  const { config } = loadConfig({ configPath: stack.configPath, env: {} });
  bot = await startSlackBot(config, log);
  http = new SignedSlack(`http://${bot.httpAddress}/slack/events`, slack);
  redis = new Redis(REDIS_URL);
});

after(async () => {
  await bot?.stop();
  await slack?.stop();
  redis?.disconnect();
  await dropPrefix(prefix);
  await stack?.cleanup();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

describe('Slack over signed HTTP: who may do what, approvals, audit', () => {
  let preview: Obj;
  let previewUrl = '';

  test('a signed /deploy is answered; forged, old and replayed requests get 401 and run nothing', async () => {
    const sent = await http.slashCommand({ command: '/deploy', text: 'v1.1.0 production', ...ALICE });
    assert.equal(sent.status, 200);
    preview = (await answers(sent.responseUrl))[0]!;
    previewUrl = sent.responseUrl;
    assert.match(shown(preview), /Asked by @alice \(U0ALICE\)/);
    const confirm = http.clickBody({ ...buttonOf(preview, 'deploy_confirm'), ...ALICE, responseUrl: previewUrl });
    const now = Math.floor(Date.now() / 1000);
    assert.equal(await http.post(sent.request), 401, 'the same signed command again: a replay');
    assert.equal(await http.post(sign(confirm.body, String(now), 'not-the-signing-secret')), 401, 'forged signature');
    assert.equal(await http.post({ ...sign(confirm.body, String(now)), body: confirm.body.replace('U0ALICE', 'U0MALLORY') }), 401, 'body changed after signing');
    assert.equal(await http.post(sign(confirm.body, String(now - 6 * 60))), 401, 'timestamp six minutes old');
    assert.equal(await http.post(sign(confirm.body, String(now + 6 * 60))), 401, 'timestamp six minutes ahead');
    assert.equal(await http.post({ body: confirm.body, timestamp: String(now), signature: '' }), 401, 'unsigned');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await answers(sent.responseUrl)).length, 1, 'the replayed command was not answered again');
    assert.deepEqual(await operations(), [], 'nothing submitted');
    assert.equal(channelMessages().length, 0, 'no approval request, no operation message');
    assert.equal((await audit()).length, 0, 'nothing was asked');
  });

  test('someone not allowed is refused politely, told who can, nothing is submitted, the denial is audited', async () => {
    const cmd = await http.slashCommand({ command: '/deploy', text: 'v1.1.0 production', ...MALLORY });
    assert.equal(cmd.status, 200);
    const [refusal] = await answers(cmd.responseUrl);
    assert.equal(refusal!.response_type, 'ephemeral');
    assert.match(shown(refusal), /Sorry — you are not allowed to deploy \*production\*/);
    assert.match(shown(refusal), /<@U0ALICE> or a member of <!subteam\^S0DEPLOYERS>/);
    // Alice's preview button, clicked by Mallory (a forwarded payload): refused the same way.
    const click = await http.click({ ...buttonOf(preview, 'deploy_confirm'), ...MALLORY });
    assert.equal(click.status, 200);
    assert.match(shown((await answers(click.responseUrl))[0]), /not allowed to deploy/);
    assert.deepEqual(await operations(), []);
    const denied = (await audit()).filter((e) => e.event === 'denied');
    assert.deepEqual(denied.map((e) => [e.user.id, e.user.name, e.action, e.target, e.channel, e.detail]), [
      ['U0MALLORY', 'mallory', 'deploy', 'v1.1.0', 'C0COMMANDS', 'not_permitted'],
      ['U0MALLORY', 'mallory', 'deploy', 'v1.1.0', 'C0COMMANDS', 'not_permitted'],
    ]);
  });

  test('production waits for a second person: not the requester, not someone unlisted; one approval submits it once', async () => {
    const confirms = await Promise.all([1, 2].map(() => http.click({ ...buttonOf(preview, 'deploy_confirm'), ...ALICE, responseUrl: previewUrl })));
    assert.deepEqual(confirms.map((c) => c.status), [200, 200]);
    await waitFor(async () => channelMessages().length === 1, 30_000, 'the approval request');
    const request = channelMessages()[0]!;
    assert.match(shown(request), /<@U0ALICE> asks to deploy `v1\.1\.0` on \*production\*/);
    assert.match(shown((await answers(previewUrl, 2))[1]), /waits for approval in #deploys-access/);
    assert.deepEqual(await operations(), [], 'held: nothing submitted before approval');

    const approve = { ...buttonOf(request, 'approval_approve'), channelId: request.channel, messageTs: request.ts, ephemeral: false };
    const own = await http.click({ ...approve, ...ALICE });
    assert.match(shown((await answers(own.responseUrl))[0]), /cannot approve your own deploy/);
    const stranger = await http.click({ ...approve, ...MALLORY });
    assert.match(shown((await answers(stranger.responseUrl))[0]), /not allowed to approve a deploy[^"]*<@U0ALICE>/);
    assert.deepEqual(await operations(), [], 'still held');

    const approvals = await Promise.all([1, 2].map(() => http.click({ ...approve, ...BOB })));
    assert.deepEqual(approvals.map((a) => a.status), [200, 200]);
    await waitFor(async () => (await operations()).length === 1, 30_000, 'the approved deploy submitted');
    const said = await Promise.all(approvals.map(async (a) => shown((await answers(a.responseUrl))[0])));
    assert.equal(said.filter((s) => /Approved: deploy v1\.1\.0/.test(s)).length, 1);
    assert.equal(said.filter((s) => /already approved by bob/.test(s)).length, 1);
    await waitFor(async () => /approved by <@U0BOB>/.test(shown(slack.state.find(request.channel, request.ts))), 30_000, 'the request shows the approval');
    assert.equal((await operations()).length, 1, 'two approvals, one operation');
  });

  test('with Slack answering 429 to every fifth call, the operation message ends right; every step is audited', async () => {
    const [operationId] = await operations();
    await waitFor(async () => channelMessages().length === 2, 30_000, 'the operation message');
    const publisher = await openPublisher(redis, prefix, operationId!, 600_000, log);
    const at = new Date().toISOString();
    publisher.publish({ type: 'started', operationId: operationId!, environment: 'production', operation: 'deploy v1.1.0', requestedBy: '@alice (U0ALICE)', source: 'slack', executor: 'test-host', at });
    for (const name of ['preflight', 'fetch', 'build', 'backup', 'migrate', 'static', 'up', 'health', 'integrity', 'logs']) {
      publisher.publish({ type: 'step_started', phase: 'deploy', name, at });
      publisher.publish({ type: 'step_finished', phase: 'deploy', step: { name, outcome: 'ok', startedAt: at, durationMs: 800 } });
    }
    publisher.publish({ type: 'report', report: { id: operationId!, kind: 'deploy', environment: 'production', ref: 'v1.1.0', outcome: 'succeeded', stages: [], rollback: [], startedAt: at, finishedAt: at } });
    assert.ok(await publisher.drained());
    publisher.close();
    await waitFor(async () => (channelMessages()[1]?.attachments?.[0] as Obj | undefined)?.color === 'good', 60_000, 'the final state', 100);
    assert.match(shown(channelMessages()[1]), /deploy v1\.1\.0[^"]*succeeded/);
    assert.match(shown(channelMessages()[1]), /Asked by @alice \(U0ALICE\) via slack/);
    assert.ok(slack.calls.some((c) => c.status === 429), 'the bot met 429s');
    assert.deepEqual(slack.calls.filter((c) => c.status === 200 && c.response.ok !== true).map((c) => `${c.method}: ${String(c.response.error)}`), []);

    await waitFor(async () => (await audit()).some((e) => e.event === 'finished'), 30_000, 'the finished entry');
    const trail = await audit();
    const seen = (e: AuditEntry) => `${e.event} ${e.action} ${e.user.id}${e.detail ? ` ${e.detail.split(';')[0]}` : ''}`;
    assert.deepEqual(trail.map(seen), [
      'denied deploy U0MALLORY not_permitted', 'denied deploy U0MALLORY not_permitted',
      'asked deploy U0ALICE approval required', 'asked deploy U0ALICE approval required', 'approval_requested deploy U0ALICE',
      'denied approve deploy U0ALICE own_request', 'denied approve deploy U0MALLORY not_permitted_to_approve',
      'approved deploy U0BOB requested by alice (U0ALICE)',
      'started deploy U0ALICE approved by bob (U0BOB)', 'finished deploy U0ALICE succeeded',
    ]);
    assert.ok(trail.every((e) => e.environment === 'production' && !Number.isNaN(Date.parse(e.at)) && e.user.name), 'who, where, when');
    assert.equal(statSync(auditPath(stack.stateDir)).mode & 0o777, 0o600);
    await bot.audit.drain();
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName}` });
    await c.connect();
    try {
      assert.equal((await c.query('SELECT count(*)::int AS n FROM ripcord.audit')).rows[0].n, trail.length, 'the store has a copy of every entry');
    } finally { await c.end(); }
    const cli = await ripcord(['--config', stack.configPath, 'audit', '--env', 'production', '--since', '1h']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /approved +deploy v1\.1\.0 — bob \(U0BOB\) in C[0-9A-Z]+/);
    const json = await ripcord(['--config', stack.configPath, 'audit', '--json', '--store']);
    assert.equal(json.stdout.trim().split('\n').length, trail.length);
  });

  test('an approval given after the environment changed under the held preview runs nothing, and says why', async () => {
    const cmd = await http.slashCommand({ command: '/deploy', text: 'v1.1.0 production', ...ALICE });
    const [held] = await answers(cmd.responseUrl);
    const before = channelMessages().length;
    await http.click({ ...buttonOf(held!, 'deploy_confirm'), ...ALICE, responseUrl: cmd.responseUrl });
    await waitFor(async () => channelMessages().length === before + 1, 30_000, 'the approval request');
    const request = channelMessages()[before]!;
    // Someone deploys from the terminal while the request waits.
    execFileSync('git', ['-C', stack.appDir, 'checkout', '-q', '--detach', 'v1.1.0']);
    try {
      const click = await http.click({ ...buttonOf(request, 'approval_approve'), channelId: request.channel, messageTs: request.ts, ephemeral: false, ...BOB });
      assert.match(shown((await answers(click.responseUrl))[0]), /nothing ran: production changed since this preview: it ran [0-9a-f]{7} then, it runs [0-9a-f]{7} now/);
      await waitFor(async () => /approved by <@U0BOB>, but production changed/.test(shown(slack.state.find(request.channel, request.ts))), 30_000, 'the request shows why nothing ran');
      assert.equal((await operations()).length, 1, 'nothing more was submitted');
      const last = (await audit()).at(-1)!;
      assert.deepEqual([last.event, last.action, last.user.id], ['denied', 'approve deploy', 'U0BOB']);
      assert.match(last.detail ?? '', /plan no longer holds/);
    } finally {
      execFileSync('git', ['-C', stack.appDir, 'checkout', '-q', '--detach', 'v1.0.0']);
    }
  });

  test('/backups create: someone not allowed is refused privately and audited, nothing submitted; an allowed one is audited and submitted', async () => {
    const [auditedBefore, submittedBefore] = [(await audit()).length, (await operations()).length];
    const refused = await http.slashCommand({ command: '/backups', text: 'create production', ...MALLORY });
    const [refusal] = await answers(refused.responseUrl);
    assert.equal(refusal!.response_type, 'ephemeral');
    assert.match(shown(refusal), /Sorry — you are not allowed to back up \*production\*/);
    assert.match(shown(refusal), /<@U0ALICE> or a member of <!subteam\^S0DEPLOYERS>/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await operations()).length, submittedBefore, 'nothing submitted');

    const allowed = await http.slashCommand({ command: '/backups', text: 'create production', ...BOB });
    assert.match(shown((await answers(allowed.responseUrl))[0]), /Backup/);
    await waitFor(async () => (await operations()).length === submittedBefore + 1, 30_000, 'the backup submitted');
    const trail = (await audit()).slice(auditedBefore).filter((e) => e.action === 'backup');
    assert.deepEqual(trail.slice(0, 2).map((e) => [e.event, e.action, e.user.id, e.target, e.channel, e.detail]), [
      ['denied', 'backup', 'U0MALLORY', 'manual backup', 'C0COMMANDS', 'not_permitted'],
      ['asked', 'backup', 'U0BOB', 'manual backup', 'C0COMMANDS', undefined],
    ]);
  });
});
