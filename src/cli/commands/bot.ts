/**
 * `ripcord bot`: the Slack front end alone (Socket Mode, or signed HTTP with slack.socketMode: false), for when the executors run on other hosts.
 * It previews from this host's checkout of each environment and submits through Redis; SIGTERM or
 * SIGINT stops it after the progress messages it follows are written.
 */
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../../config/schema.js';
import { createLogger } from '../../log/logger.js';
import { connectedHow, slackConfigured, startSlackBot } from '../../slack/app.js';
import { BotProcess } from '../../slack/bot-process.js';
import { loadConfigFor, type CliContext } from '../context.js';

export function registerBotCommand(program: Command, ctx: CliContext): void {
  program.command('bot')
    .description('run only the Slack bot (Socket Mode, or signed HTTP on slack.listen): /deploy, /rollback, /backups, /status, /incident, the Home tab, approvals, live progress messages')
    .action(async (_opts: unknown, cmd: Command) => {
      const { config } = loadConfigFor(cmd, ctx);
      const log = createLogger({ name: 'ripcord-bot', level: config.logging.level, file: config.logging.file, stdout: false });
      const bot = await startSlackBot(config, log);
      ctx.out(`Slack bot ${connectedHow(bot)} (${Object.keys(config.environments).join(', ')}); Ctrl-C to stop`);
      const sig = await new Promise<string>((resolve) => { for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s)); });
      ctx.out(`${sig}: stopping the Slack bot`);
      await bot.stop();
      ctx.exitCode = 0;
    });
}

/**
 * For `ripcord start`: the bot beside the executors when Slack tokens are set, in a process of its
 * own (slack/bot-process.ts). A Slack outage must not keep the executors from serving, so its start
 * is only reported.
 */
export function startBotBeside(config: RipcordConfig, log: Logger, say: (line: string) => void): { stop(): Promise<void> } {
  if (!slackConfigured(config)) {
    say(`Slack bot not started: slack.botToken and ${config.slack.socketMode ? 'slack.appToken' : 'slack.signingSecret'} are not set`);
    return { stop: async () => undefined };
  }
  return BotProcess.start(config, log, say);
}
