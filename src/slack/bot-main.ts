/**
 * The Slack bot as a process of its own under `ripcord start` (see bot-process.ts): started with
 * the configuration as its first message, it runs the same bot as `ripcord bot` and says how it
 * connected. SIGTERM, SIGINT or its parent going away stop it the way `ripcord bot` stops: the
 * live messages it follows are released for the next bot, and it exits 0.
 */
import type { RipcordConfig } from '../config/schema.js';
import { createLogger } from '../log/logger.js';
import { connectedHow, startSlackBot, type SlackBot } from './app.js';

export type BotProcessMessage = { type: 'started'; how: string } | { type: 'failed'; reason: string };

let bot: SlackBot | null = null;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await bot?.stop().catch(() => undefined);
  process.exit(0);
}

function tell(message: BotProcessMessage): Promise<void> {
  return new Promise((resolve) => (process.connected ? process.send!(message, () => resolve()) : resolve()));
}

process.once('message', (init: { type: 'init'; config: RipcordConfig }) => {
  const { config } = init;
  const log = createLogger({ name: 'ripcord-bot', level: config.logging.level, file: config.logging.file, stdout: false });
  startSlackBot(config, log).then(
    (started) => {
      bot = started;
      if (stopping) void started.stop();
      void tell({ type: 'started', how: connectedHow(started) });
    },
    (error: unknown) => {
      log.error({ err: error }, 'Slack bot did not start');
      void tell({ type: 'failed', reason: error instanceof Error ? error.message : String(error) }).then(() => process.exit(1));
    },
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop());
process.on('disconnect', () => void stop());
