/**
 * `ripcord start` runs the Slack bot as a child process (bot-main.ts), not beside the executors
 * on one event loop: every command an executor starts (compose, git, pg_dump) forks its process
 * synchronously, and each fork of a process that size held up Slack's acknowledgements by 30-110
 * ms (bench/ack). Apart, a deploy's forks block only the executor.
 *
 * The bot is supervised: a bot process that dies is started again after 1, 2, 4… up to 30 s
 * (back to 1 s once one has run a minute), so Slack comes back without anyone restarting the
 * service. A bot that cannot start at all (a wrong token) is not retried: the reason is printed,
 * as before. Stopping sends it SIGTERM and waits for it (its live messages are released for the
 * next bot), then SIGKILL after STOP_GRACE_MS.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { forkModule } from '../adapters/forked-module.js';
import type { RipcordConfig } from '../config/schema.js';
import type { BotProcessMessage } from './bot-main.js';

const STOP_GRACE_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;
const STABLE_MS = 60_000;

export class BotProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  private constructor(private readonly config: RipcordConfig, private readonly log: Logger, private readonly say: (line: string) => void) {}

  static start(config: RipcordConfig, log: Logger, say: (line: string) => void): BotProcess {
    const bot = new BotProcess(config, log, say);
    bot.spawn();
    return bot;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    const child = forkModule(import.meta.url, './bot-main', this.log, 'Slack bot');
    this.child = child;
    const startedAt = Date.now();
    let couldNotStart = false;
    child.on('message', (message: BotProcessMessage) => {
      if (message.type === 'started') this.say(`Slack bot ${message.how} (process ${child.pid})`);
      else { couldNotStart = true; this.say(`Slack bot did not start: ${message.reason}`); }
    });
    let over = false;
    const ended = (how: string, code: number | null) => {
      if (over) return;
      over = true;
      this.child = null;
      if (this.stopping || couldNotStart || code === 0) return;
      if (Date.now() - startedAt >= STABLE_MS) this.restarts = 0;
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.restarts++);
      this.say(`Slack bot process stopped (${how}); starting it again in ${delay / 1000} s`);
      this.restartTimer = setTimeout(() => { this.restartTimer = null; if (!this.stopping) this.spawn(); }, delay);
      this.restartTimer.unref();
    };
    child.once('exit', (code, signal) => ended(signal ? `signal ${signal}` : `exit code ${code}`, code));
    // A process that never started (no exit follows) is retried the same way.
    child.on('error', (error) => { this.log.warn({ err: error }, 'Slack bot process error'); if (child.pid === undefined) ended(error.message, null); });
    child.send({ type: 'init', config: this.config });
  }
}
