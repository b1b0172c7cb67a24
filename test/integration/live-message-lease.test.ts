/**
 * The live-message lease (src/slack/live-message-ledger.ts, progress.ts) on a real Redis and the
 * Slack emulator: a bot that loses its lease to another bot stops following the message and
 * leaves it — the final update, the thread and the ledger entry — to the bot that holds it now.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { OperationEvent } from '../../src/operations/service-report.js';
import { LiveMessageLedger } from '../../src/slack/live-message-ledger.js';
import { ProgressMessages } from '../../src/slack/progress.js';
import { requireRedis } from '../support/require-services.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../support/service-fixtures.js';
import { BOT_TOKEN, SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { waitFor } from '../support/stack/stack-helpers.js';

const LEASE = 300;
const prefix = newPrefix();
let redis: Redis;
let slack: SlackEmulator;

before(async () => {
  await requireRedis();
  redis = new Redis(REDIS_URL);
  slack = await SlackEmulator.start();
});

after(async () => {
  redis?.disconnect();
  await slack?.stop();
  await dropPrefix(prefix);
});

/** An operation that started and then runs until it is given up on (or 10 s pass). */
async function* runningOperation(operationId: string, signal: AbortSignal): AsyncIterable<OperationEvent> {
  yield { type: 'started', operationId, environment: 'production', operation: 'deploy v1.1.0', requestedBy: '@alice', source: 'slack', executor: 'test', at: new Date().toISOString() };
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 10_000);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

test('a bot whose lease another bot took stops following the message and leaves it to that bot', async () => {
  const ledger = new LiveMessageLedger(redis, prefix, 3_600_000, LEASE);
  const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const progress = new ProgressMessages(client, runningOperation, pino({ level: 'silent' }), { ledger });
  const operationId = 'op-lease-1';
  const leaseKey = `${prefix}:slack:live-message-lease:${operationId}`;
  const began = Date.now();
  const tracking = progress.track({ operationId, environment: 'production', channel: '#deploys', title: 'deploy v1.1.0', requestedBy: '@alice via slack' });
  await waitFor(async () => (await ledger.unfinished()).some((r) => r.ts), 5_000, 'the message to be posted and remembered', 20);
  assert.equal(await redis.get(leaseKey), ledger.owner);
  // Redis was out of reach longer than the lease; another bot took the message over.
  await redis.set(leaseKey, 'other-bot', 'PX', 60_000);
  await tracking;
  assert.ok(Date.now() - began < 5_000, `gave the message up within a renewal, not when the operation ended (${Date.now() - began} ms)`);
  assert.equal(await redis.get(leaseKey), 'other-bot', 'the other bot keeps its lease');
  assert.deepEqual((await ledger.unfinished()).map((r) => r.operationId), [operationId], 'the message stays in the ledger for the bot that holds it');
  assert.equal(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts).length, 0, 'no thread details posted by the bot that lost it');
  await progress.stop();
});

test('a lease is renewed and released only by the bot that holds it', async () => {
  const a = new LiveMessageLedger(redis, prefix, 3_600_000, LEASE);
  const b = new LiveMessageLedger(redis, prefix, 3_600_000, LEASE);
  const leaseKey = `${prefix}:slack:live-message-lease:op-lease-2`;
  assert.equal(await a.claim('op-lease-2'), true);
  assert.equal(await b.claim('op-lease-2'), false);
  assert.equal(await a.claim('op-lease-2'), true, 'the holder renews');
  await b.release('op-lease-2');
  assert.equal(await redis.get(leaseKey), a.owner, "b's release leaves a's lease");
  await waitFor(async () => (await redis.exists(leaseKey)) === 0, 2_000, 'the lease to expire', 20);
  assert.equal(await b.claim('op-lease-2'), true, 'an expired lease is free');
  await a.release('op-lease-2');
  assert.equal(await redis.get(leaseKey), b.owner);
  await b.release('op-lease-2');
  assert.equal(await redis.exists(leaseKey), 0);
});
