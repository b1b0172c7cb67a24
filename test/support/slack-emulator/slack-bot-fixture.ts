/**
 * For the Slack end-to-end tests: the reference production stack, a unique Redis prefix, the
 * executor service, the Slack emulator and the real bot connected to it over Socket Mode — and
 * helpers to read what the bot posted. `cleanup()` stops and removes all of it.
 */
import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/load-config.js';
import type { RipcordConfig } from '../../../src/config/schema.js';
import { ExecutorService } from '../../../src/service/executor-service.js';
import { startSlackBot, type SlackBot } from '../../../src/slack/app.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../service-fixtures.js';
import { configFor, createReferenceStack, type ReferenceStack } from '../stack/reference-stack.js';
import { APP_TOKEN, BOT_TOKEN, SlackEmulator, type StoredMessage } from './slack-emulator.js';
import { WebApiState } from './web-api.js';

export const DEPLOY_CHANNEL = '#deploys-e2e';

export interface SlackBotFixture {
  stack: ReferenceStack;
  slack: SlackEmulator;
  bot: SlackBot;
  service: ExecutorService;
  config: RipcordConfig;
  prefix: string;
  /** Top-level messages of the deploy channel, in order, as they are now (after every update). */
  channelMessages(): StoredMessage[];
  threadOf(ts: string): StoredMessage[];
  cleanup(): Promise<void>;
}

export async function startSlackBotFixture(): Promise<SlackBotFixture> {
  const stack = await createReferenceStack();
  const prefix = newPrefix();
  let slack: SlackEmulator | undefined;
  let service: ExecutorService | undefined;
  let bot: SlackBot | undefined;
  const cleanup = async () => {
    await bot?.stop().catch(() => undefined);
    await service?.stop().catch(() => undefined);
    await slack?.stop().catch(() => undefined);
    await dropPrefix(prefix);
    await stack.cleanup();
  };
  try {
    await stack.up();
    slack = await SlackEmulator.start();
    const doc = configFor(stack, { health: { url: stack.healthUrl, retries: 6, delaySeconds: 1, timeoutSeconds: 3 }, slack: { channel: DEPLOY_CHANNEL } });
    Object.assign(doc, {
      redis: { url: REDIS_URL, prefix }, service: { listen: '127.0.0.1:0', jobLockSeconds: 10 },
      slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: slack.apiUrl },
    });
    writeFileSync(stack.configPath, stringify(doc));
    const { config } = loadConfig({ configPath: stack.configPath, env: {} });
    const log = pino({ level: process.env.RIPCORD_TEST_LOG ?? 'silent' });
    service = await ExecutorService.start({ config, environments: ['production'], log, say: () => undefined, backups: false });
    bot = await startSlackBot(config, log);
    await slack.socket.connected();
    const channel = WebApiState.channelId(DEPLOY_CHANNEL);
    const s = slack;
    return {
      stack, slack, bot, service, config, prefix, cleanup,
      channelMessages: () => s.state.messages.filter((m) => m.channel === channel && !m.threadTs),
      threadOf: (ts) => s.state.messages.filter((m) => m.channel === channel && m.threadTs === ts),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Everything a message shows, as one string to match against. */
export const shown = (m: { text?: string; blocks?: unknown; attachments?: unknown } | undefined): string => JSON.stringify([m?.text, m?.blocks, m?.attachments]);
