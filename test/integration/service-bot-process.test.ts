/**
 * `ripcord start` with Slack configured runs the bot in a process of its own, which runs its
 * reader in another (src/slack/bot-process.ts, reader/): the bot answers over Socket Mode from
 * the emulator, a killed bot is started again by the service, and stopping the service leaves no
 * process behind. Git and Redis only: the reference stack is cloned, never started.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { startCli } from '../support/cli.js';
import { requireRedis } from '../support/require-services.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../support/service-fixtures.js';
import { APP_TOKEN, BOT_TOKEN, SlackEmulator } from '../support/slack-emulator/slack-emulator.js';
import { configFor, createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { processAlive, waitFor } from '../support/stack/stack-helpers.js';

const prefix = newPrefix();
let stack: ReferenceStack;
let slack: SlackEmulator;
let service: ReturnType<typeof startCli> | undefined;
let out = '';

const childrenOf = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
const botPids = () => [...out.matchAll(/Slack bot connected over Socket Mode \(process (\d+)\)/g)].map((m) => Number(m[1]));

/** `/deploy production` lists the release tags: answered by the bot, read by its reader. */
async function releasesListed(): Promise<void> {
  const { responseUrl } = await slack.socket.slashCommand({ command: '/deploy', text: 'production' });
  const id = responseUrl.split('/').pop();
  await waitFor(async () => slack.responsePosts.some((r) => r.id === id && /Newest releases of production/.test(JSON.stringify(r.body))), 60_000, 'the release list', 50);
}

before(async () => {
  await requireRedis();
  stack = await createReferenceStack();
  slack = await SlackEmulator.start();
  const doc = configFor(stack);
  Object.assign(doc, {
    redis: { url: REDIS_URL, prefix }, service: { listen: '127.0.0.1:0' },
    slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: slack.apiUrl },
  });
  writeFileSync(stack.configPath, stringify(doc));
  service = startCli(['--config', stack.configPath, 'start', '--no-backups']);
  service.child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  await waitFor(async () => botPids().length === 1, 120_000, 'ripcord start to say the Slack bot connected');
});

after(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  await slack?.stop();
  await dropPrefix(prefix);
  if (stack) rmSync(stack.root, { recursive: true, force: true });
});

test('the bot runs in its own process, and its git reads in its reader process', async () => {
  const [bot] = botPids();
  assert.ok(bot && bot !== service!.child.pid, 'the bot is not the executor process');
  assert.ok(childrenOf(service!.child.pid!).includes(bot), 'the bot is a child of ripcord start');
  await releasesListed();
  assert.equal(childrenOf(bot).length, 1, 'the bot has one child: its reader');
});

test('a bot process that dies is started again, and answers', async () => {
  const [first] = botPids();
  const reader = childrenOf(first!)[0]!;
  process.kill(first!, 'SIGKILL');
  await waitFor(async () => /Slack bot process stopped \(signal SIGKILL\); starting it again in 1 s/.test(out), 10_000, 'the service to notice');
  await waitFor(async () => botPids().length === 2, 60_000, 'a new bot to connect');
  await waitFor(async () => !processAlive(reader), 10_000, "the dead bot's reader to exit with it");
  await releasesListed();
});

test('stopping the service stops the bot and its reader, and exits 0', async () => {
  const bot = botPids().at(-1)!;
  const reader = childrenOf(bot)[0]!;
  service!.child.kill('SIGTERM');
  const result = await service!.done;
  assert.equal(result.code, 0, result.stderr);
  await waitFor(async () => !processAlive(bot) && !processAlive(reader), 10_000, 'the bot and its reader to exit');
});
