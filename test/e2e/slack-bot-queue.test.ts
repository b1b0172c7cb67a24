/**
 * Slack end to end without Docker (no heavy lock): the real Bolt app over Socket Mode against the
 * local Slack emulator answering 429 to every fifth Web API call, real git (the reference stack's
 * origin and checkout, never started) and real Redis. No executor runs here: the test publishes
 * the operation's events to its Redis Stream the way the executor does, so the bot's live message
 * is checked event by event. The preview comes from git; a double click queues one job; the
 * message is updated in place through the 429s and ends with the right final state and thread.
 * A bot stopped mid-operation and started again picks its message up and finishes it in place.
 * The Home tab's Deploy… opens a form, shows the same preview in the modal, and Deploy queues it.
 * A production deploy waiting for approval outlives a bot restart: Approve on the new bot submits
 * it once, and a second approver hears it was already approved.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { openPublisher } from '../../src/queue/operation-events.js';
import { operationIndexKey, operationQueueName } from '../../src/queue/operation-jobs.js';
import type { RipcordConfig } from '../../src/config/schema.js';
import { startSlackBot, type SlackBot } from '../../src/slack/app.js';
import { requireRedis } from '../support/require-services.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../support/service-fixtures.js';
import { shown } from '../support/slack-emulator/slack-bot-fixture.js';
import { APP_TOKEN, BOT_TOKEN, SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { WebApiState, type OpenView } from '../support/slack-emulator/web-api.js';
import { configFor, createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { waitFor } from '../support/stack/stack-helpers.js';

type Obj = Record<string, unknown>;
const CHANNEL = '#deploys-queue';
const log = pino({ level: process.env.RIPCORD_TEST_LOG ?? 'silent' });
let stack: ReferenceStack;
let slack: SlackEmulator;
let bot: SlackBot;
let redis: Redis;
let config: RipcordConfig;
let doc: Record<string, unknown>;
const prefix = newPrefix();

function buttonIn(blocks: unknown, actionId: string): { button: Obj; blockId: string } {
  const block = (blocks as Obj[]).find((b) => b.type === 'actions' && (b.elements as Obj[]).some((e) => e.action_id === actionId));
  assert.ok(block, `a ${actionId} button in ${JSON.stringify(blocks).slice(0, 400)}`);
  return { button: (block.elements as Obj[]).find((e) => e.action_id === actionId)!, blockId: String(block.block_id) };
}

async function modalShowing(pattern: RegExp, what: string): Promise<OpenView> {
  const latest = () => [...slack.state.modals.values()].at(-1);
  await waitFor(async () => pattern.test(JSON.stringify(latest()?.view ?? {})), 60_000, what, 100);
  return latest()!;
}

const parents = () => slack.state.messages.filter((m) => m.channel === WebApiState.channelId(CHANNEL) && !m.threadTs);

async function answerTo(responseUrl: string, n = 1): Promise<Obj> {
  const id = responseUrl.split('/').pop();
  await waitFor(async () => slack.responsePosts.filter((p) => p.id === id && p.status === 200).length >= n, 30_000, 'the answer', 50);
  return slack.responsePosts.filter((p) => p.id === id && p.status === 200)[n - 1]!.body;
}

before(async () => {
  await requireRedis();
  stack = await createReferenceStack();
  slack = await SlackEmulator.start({ failEvery: 5 });
  doc = configFor(stack, { slack: { channel: CHANNEL } });
  Object.assign(doc, { redis: { url: REDIS_URL, prefix }, slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: slack.apiUrl } });
  writeFileSync(stack.configPath, stringify(doc));
  config = loadConfig({ configPath: stack.configPath, env: {} }).config;
  bot = await startSlackBot(config, log);
  await slack.socket.connected();
  redis = new Redis(REDIS_URL);
});

after(async () => {
  await bot?.stop();
  await slack?.stop();
  redis?.disconnect();
  await dropPrefix(prefix);
  await stack?.cleanup();
});

describe('Slack bot → queue → live message, with Slack answering 429 to every fifth call', () => {
  let operationId = '';

  test('the preview comes from git; a double-clicked Deploy queues one job and posts one message', async () => {
    const { ack, responseUrl } = await slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0' });
    assert.ok(ack.ms < 3000);
    const preview = await answerTo(responseUrl);
    assert.match(shown(preview), /Commits \(1\)[^"]*release v1\.1\.0/);
    const block = (preview.blocks as Obj[]).find((b) => b.type === 'actions')!;
    const button = (block.elements as Obj[]).find((e) => e.action_id === 'deploy_confirm')!;
    await Promise.all([1, 2, 3].map(() => slack.socket.clickButton({ button, blockId: String(block.block_id), responseUrl })));
    // The clicks are acknowledged before the bot submits; the message is posted after it did.
    await waitFor(async () => parents().length === 1, 60_000, 'the operation message');
    await waitFor(async () => slack.responsePosts.filter((p) => p.id === responseUrl.split('/').pop()).length >= 2, 60_000, 'the preview replaced');
    const queue = new Queue(operationQueueName('production'), { connection: redis, prefix });
    try {
      assert.equal((await queue.getJobCounts('waiting')).waiting, 1, 'three clicks, one job');
    } finally { await queue.close(); }
    const index = await redis.zrange(operationIndexKey(prefix, 'production'), '0', '-1');
    assert.equal(index.length, 1, 'one operation');
    operationId = index[0]!;
    assert.equal((parents()[0]!.attachments?.[0] as Obj).color, '#439FE0');
    assert.match(shown(parents()[0]), /deploy v1\.1\.0[^"]*in progress/);
    assert.match(shown(await answerTo(responseUrl, 2)), new RegExp(`operation \`${operationId}\``));
  });

  test('every event reaches the one message, in place, through the 429s; the final state and the thread are right', async () => {
    const publisher = await openPublisher(redis, prefix, operationId, 600_000, log);
    const at = new Date().toISOString();
    publisher.publish({ type: 'started', operationId, environment: 'production', operation: 'deploy v1.1.0', requestedBy: '@alice', source: 'slack', executor: 'test', at });
    const stages = ['preflight', 'backup', 'fetch', 'build', 'migrate', 'static', 'up'];
    for (const name of stages) {
      publisher.publish({ type: 'step_started', phase: 'deploy', name, at });
      publisher.publish({ type: 'step_finished', phase: 'deploy', step: { name, outcome: 'ok', startedAt: at, durationMs: 1500 } });
    }
    publisher.publish({ type: 'step_finished', phase: 'deploy', step: { name: 'health', outcome: 'failed', startedAt: at, durationMs: 6000, reason: 'GET /health/ returned 503 6 times @channel' } });
    publisher.publish({ type: 'report', report: {
      id: operationId, kind: 'deploy', environment: 'production', ref: 'v1.1.0', outcome: 'rolled_back', reason: 'health check: GET /health/ returned 503 6 times (expected 200)',
      stages: [...stages.map((name) => ({ name, outcome: 'ok' as const, startedAt: at, durationMs: 1500 })), { name: 'health', outcome: 'failed', startedAt: at, durationMs: 6000, reason: 'returned 503' }],
      rollback: [{ name: 'git_reset', outcome: 'ok', startedAt: at, durationMs: 40 }, { name: 'restore_database', outcome: 'ok', startedAt: at, durationMs: 900 }],
      preDeployBackup: 'backup_20261130_060000.dump', startedAt: at, finishedAt: at,
    } });
    assert.ok(await publisher.drained());
    publisher.close();
    await waitFor(async () => (parents()[0]?.attachments?.[0] as Obj | undefined)?.color === 'warning', 60_000, 'the final state', 100);
    const message = parents()[0]!;
    assert.equal(parents().length, 1, 'still one message');
    const body = shown(message);
    assert.match(body, /failed and rolled back/);
    for (const stage of stages) assert.match(body, new RegExp(`:white_check_mark: ${stage} — 1\\.5 s`));
    assert.match(body, /:x: health — 6\.0 s/);
    assert.match(body, /\*Rollback\*\\n:white_check_mark: git_reset[^"]*restore_database/);
    assert.match(body, /Why:\* health check: GET \/health\/ returned 503 6 times/);
    await waitFor(async () => slack.state.messages.some((m) => m.threadTs === message.ts), 30_000, 'the thread');
    const thread = shown(slack.state.messages.find((m) => m.threadTs === message.ts));
    assert.match(thread, /backup_20261130_060000\.dump/);
    assert.doesNotMatch(thread, /@channel/, 'a reason cannot notify the channel');
    const limited = slack.calls.filter((c) => c.status === 429);
    assert.ok(limited.some((c) => c.method === 'chat.update' || c.method === 'chat.postMessage'), 'the bot met 429s and got through');
    assert.deepEqual(slack.calls.filter((c) => c.status === 200 && c.response.ok !== true).map((c) => c.response.error), []);
  });

  test('a bot restarted mid-operation picks its live message up again and finishes it in place', async () => {
    const { responseUrl } = await slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0' });
    const preview = await answerTo(responseUrl);
    const block = (preview.blocks as Obj[]).find((b) => b.type === 'actions')!;
    const button = (block.elements as Obj[]).find((e) => e.action_id === 'deploy_confirm')!;
    const before = parents().length;
    await slack.socket.clickButton({ button, blockId: String(block.block_id), responseUrl });
    await waitFor(async () => parents().length === before + 1, 60_000, 'the second operation message');
    const message = parents()[before]!;
    const id = (await redis.zrevrange(operationIndexKey(prefix, 'production'), 0, 0))[0]!;
    await waitFor(async () => Boolean(await redis.hget(`${prefix}:slack:live-messages`, id)), 10_000, 'the message remembered');
    const publisher = await openPublisher(redis, prefix, id, 600_000, log);
    const at = new Date().toISOString();
    publisher.publish({ type: 'started', operationId: id, environment: 'production', operation: 'deploy v1.1.0', requestedBy: '@alice', source: 'slack', executor: 'test', at });
    publisher.publish({ type: 'step_finished', phase: 'deploy', step: { name: 'preflight', outcome: 'ok', startedAt: at, durationMs: 1500 } });
    await waitFor(async () => /preflight — 1\.5 s/.test(shown(slack.state.messages.find((m) => m.ts === message.ts))), 30_000, 'the first stage shown');
    await bot.stop();
    // While no bot runs, the operation goes on and ends.
    publisher.publish({ type: 'step_finished', phase: 'deploy', step: { name: 'build', outcome: 'ok', startedAt: at, durationMs: 2500 } });
    publisher.publish({ type: 'report', report: {
      id, kind: 'deploy', environment: 'production', ref: 'v1.1.0', outcome: 'succeeded',
      stages: [{ name: 'preflight', outcome: 'ok', startedAt: at, durationMs: 1500 }, { name: 'build', outcome: 'ok', startedAt: at, durationMs: 2500 }],
      startedAt: at, finishedAt: at,
    } });
    assert.ok(await publisher.drained());
    publisher.close();
    bot = await startSlackBot(config, log);
    await waitFor(async () => (slack.state.messages.find((m) => m.ts === message.ts)?.attachments?.[0] as Obj | undefined)?.color === 'good', 60_000, 'the final state after the restart', 100);
    assert.equal(parents().length, before + 1, 'the same message, not a new one');
    assert.match(shown(slack.state.messages.find((m) => m.ts === message.ts)), /build — 2\.5 s/);
    await waitFor(async () => !(await redis.hget(`${prefix}:slack:live-messages`, id)), 10_000, 'the message forgotten once finished');
    // The audit trail has the start (written by the first bot) and the end (by the second), once each.
    const events = () => readFileSync(bot.audit.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Obj).filter((e) => e.operationId === id).map((e) => e.event);
    await waitFor(async () => events().includes('finished'), 10_000, 'the finished entry');
    assert.deepEqual(events(), ['started', 'finished']);
  });

  test('the Home tab\'s Deploy…: pick a release, the same preview in the modal, Deploy queues it', async () => {
    await slack.socket.appHomeOpened('U0ALICE');
    await waitFor(async () => slack.state.homes.has('U0ALICE'), 60_000, 'the Home tab');
    await slack.socket.clickButton({ ...buttonIn(slack.state.homes.get('U0ALICE')!.blocks, 'home_deploy:production'), homeOf: 'U0ALICE' });
    const form = await modalShowing(/"callback_id":"deploy_modal"/, 'the deploy form');
    assert.match(JSON.stringify(form.view), /"text":"v1\.1\.0 [0-9a-f]{7} — [^"]+","emoji":true\},"value":"v1\.1\.0"/);
    const missing = await slack.socket.submitView({ viewId: form.id, values: {} });
    assert.equal(missing.outcome, 'errors');
    assert.deepEqual(missing.ack.payload.errors, { ref: 'pick a release above or type a ref' });
    const submitted = await slack.socket.submitView({ viewId: form.id, values: { release: { release: { type: 'static_select', selected_option: { value: 'v1.1.0' } } } } });
    assert.equal(submitted.outcome, 'updated');
    const preview = await modalShowing(/deploy_confirm/, 'the preview in the modal');
    assert.match(JSON.stringify(preview.view), /Deploy `v1\.1\.0` to production\?[^"]*`v1\.0\.0` `[0-9a-f]{7}`[^"]* → `v1\.1\.0` `[0-9a-f]{7}`/);
    const operations = () => redis.zrange(operationIndexKey(prefix, 'production'), '0', '-1');
    const before = (await operations()).length;
    await slack.socket.clickButton({ ...buttonIn(preview.view.blocks, 'deploy_confirm'), viewId: preview.id });
    await modalShowing(/Deploy v1\.1\.0 on \*production\*/, 'the modal says it was submitted');
    assert.equal((await operations()).length, before + 1, 'one more operation');
  });
  test('a bot restarted while a production deploy waits for approval: Approve on the new bot submits it once', async () => {
    const restart = async (next: RipcordConfig) => {
      await bot.stop();
      await waitFor(async () => slack.socket.connections === 0, 10_000, 'the old bot gone');
      bot = await startSlackBot(next, log);
      await slack.socket.connected();
    };
    const env = (doc.environments as Obj).production as Obj;
    writeFileSync(stack.configPath, stringify({ ...doc, environments: { production: { ...env, approval: { required: true, actions: ['deploy'], expiresMinutes: 15 } } } }));
    const held = loadConfig({ configPath: stack.configPath, env: {} }).config;
    await restart(held);
    const operations = () => redis.zrange(operationIndexKey(prefix, 'production'), '0', '-1');
    const submittedBefore = (await operations()).length;
    const { responseUrl } = await slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0' });
    const preview = await answerTo(responseUrl);
    const before = parents().length;
    await slack.socket.clickButton({ ...buttonIn(preview.blocks, 'deploy_confirm'), responseUrl });
    await waitFor(async () => parents().length === before + 1, 60_000, 'the approval request');
    const request = parents()[before]!;
    assert.match(shown(request), /<@U0ALICE> asks to deploy `v1\.1\.0` on \*production\*/);
    assert.match(shown(await answerTo(responseUrl, 2)), /waits for approval/);
    await waitFor(async () => (await redis.hvals(`${prefix}:slack:approval:${buttonIn(request.blocks, 'approval_approve').button.value as string}`)).some((v) => v.includes(request.ts)), 10_000, 'where the request is, remembered');

    await restart(held);
    assert.equal((await operations()).length, submittedBefore, 'nothing submitted before the approval');
    const approve = { ...buttonIn(request.blocks, 'approval_approve'), channelId: request.channel };
    const bob = await slack.socket.clickButton({ ...approve, userId: 'U0BOB' });
    assert.match(shown(await answerTo(bob.responseUrl)), /Approved: deploy v1\.1\.0/);
    const carol = await slack.socket.clickButton({ ...approve, userId: 'U0CAROL' });
    assert.match(shown(await answerTo(carol.responseUrl)), /already approved/);
    await waitFor(async () => /approved by <@U0BOB>/.test(shown(slack.state.messages.find((m) => m.ts === request.ts))), 30_000, 'the request shows the approval', 100);
    assert.equal((await operations()).length, submittedBefore + 1, 'submitted once');
    await restart(config); // the next tests (if any) deploy without approval
  });
});
