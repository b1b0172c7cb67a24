/**
 * The Slack front end: a Bolt app in Socket Mode (it connects out, so a production host needs no
 * public URL), its listeners (commands/, actions/), and the live progress messages. `slackApiUrl`
 * comes from ripcord.yml (`slack.apiUrl`), which is how tests point it at the local emulator.
 * HTTP mode with signed requests is not built yet: the config refuses it with the fix.
 */
import { App, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { BadInputError } from '../domain/errors.js';
import { registerActions } from './actions/index.js';
import type { BotContext } from './bot-context.js';
import { registerCommands } from './commands/index.js';
import { ProgressMessages } from './progress.js';
import { LocalUseCases, type SlackUseCases } from './use-cases.js';

export interface SlackBot {
  app: App;
  progress: ProgressMessages;
  stop(): Promise<void>;
}

/** True when ripcord.yml (or the environment) holds what the bot needs to connect. */
export function slackConfigured(config: RipcordConfig): boolean {
  return Boolean(config.slack.botToken && config.slack.appToken);
}

export async function startSlackBot(config: RipcordConfig, log: Logger, useCases?: SlackUseCases): Promise<SlackBot> {
  const { botToken, appToken, apiUrl, socketMode } = config.slack;
  if (!botToken || !appToken) throw new BadInputError('Slack is not configured', 'set slack.botToken (xoxb-…) and slack.appToken (xapp-…) in ripcord.yml, e.g. botToken: ${SLACK_BOT_TOKEN}');
  if (!socketMode) throw new BadInputError('slack.socketMode: false (HTTP mode) is not supported yet', 'set slack.socketMode: true; the bot connects out over Socket Mode');
  const cases = useCases ?? await LocalUseCases.open(config, log);
  const slackLog = log.child({ component: 'slack' });
  // Progress has its own client: a 429 must reach it at once (to coalesce), not after web-api's own retries.
  const progressClient = new webApi.WebClient(botToken, { slackApiUrl: apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logger: boltLogger(slackLog), logLevel: LogLevel.ERROR });
  const progress = new ProgressMessages(progressClient, (id, signal) => cases.follow(id, signal), slackLog);
  const app = new App({
    token: botToken, appToken, socketMode: true, logger: boltLogger(slackLog), logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 3, factor: 1.5 } },
  });
  const ctx: BotContext = { useCases: cases, progress, log: slackLog, now: () => new Date() };
  registerCommands(app, ctx);
  registerActions(app, ctx);
  app.error(async (error) => { slackLog.error({ err: error }, 'unhandled error in a Slack listener'); });
  await app.start();
  return {
    app, progress,
    async stop() {
      await app.stop();
      await progress.stop();
      await cases.close();
    },
  };
}

/** Bolt and web-api log through pino (so secrets are redacted the same way as everywhere else). */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.WARN;
  const write = (fn: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => log[fn](msg.map(String).join(' '));
  return {
    debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'),
    setLevel: (l: LogLevel) => { level = l; }, getLevel: () => level, setName: () => undefined,
  };
}
