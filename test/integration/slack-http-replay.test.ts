/**
 * HTTP mode's replay check outlives the bot: a signed request answered by one bot process is
 * refused (401) when replayed to the next one — a restart, or a second bot host on the same Redis
 * — while a fresh request goes through. Real Bolt behind Ripcord's gate, the local Slack emulator,
 * real Redis; no Docker.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { startSlackBot, type SlackBot } from '../../src/slack/app.js';
import { requireRedis } from '../support/require-services.js';
import { serviceFixture, type ServiceFixture } from '../support/service-fixtures.js';
import { BOT_TOKEN, SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { SIGNING_SECRET, SignedSlack } from '../support/slack-emulator/signed-http.js';

const log = pino({ level: process.env.RIPCORD_TEST_LOG ?? 'silent' });
let slack: SlackEmulator;
let fx: ServiceFixture;
const bots: SlackBot[] = [];

before(async () => {
  await requireRedis();
  slack = await SlackEmulator.start();
  fx = serviceFixture(['production'], { slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, socketMode: false, listen: '127.0.0.1:0', apiUrl: slack.apiUrl } });
});

after(async () => {
  for (const bot of bots) await bot.stop();
  await slack?.stop();
  await fx?.cleanup();
});

async function startBot(): Promise<SignedSlack> {
  const bot = await startSlackBot(fx.config, log);
  bots.push(bot);
  return new SignedSlack(`http://${bot.httpAddress}/slack/events`, slack);
}

test('a request answered before a restart is refused after it; a new one is answered', async () => {
  const first = await startBot();
  const sent = await first.slashCommand({ command: '/deploy', text: 'help', userId: 'U0ALICE', userName: 'alice' });
  assert.equal(sent.status, 200);
  assert.equal(await first.post(sent.request), 401, 'a replay to the same process');
  await bots.pop()!.stop();

  const second = await startBot();
  assert.equal(await second.post(sent.request), 401, 'the same request after the restart');
  const fresh = await second.slashCommand({ command: '/deploy', text: 'help', userId: 'U0ALICE', userName: 'alice' });
  assert.equal(fresh.status, 200, 'a new request goes through');
});
