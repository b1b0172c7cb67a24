/**
 * `ripcord notify test|flush` (operations notify on the main road: operations/perform-operation.ts).
 * `notify test` exits 1 when a configured sink failed; `notify flush` exits 1 when something is still kept.
 */
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import type { RipcordConfig } from '../../config/schema.js';
import type { Notification } from '../../domain/ports.js';
import { keptAfter, notifierFor, type FanOutNotifier, type FlushResult, type SinkOutcome } from '../../notify/index.js';
import { REMOTE_SINKS, SINK_SETTING } from '../../notify/sink.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';
import { cliLogger } from '../cli-logger.js';

export function registerNotifyCommands(program: Command, ctx: CliContext): void {
  const notify = program.command('notify').description('notifications: send a test through every sink, re-send what the outbox kept');
  const sub = (name: string, description: string, json: string, run: (n: FanOutNotifier, env: string, json: boolean) => Promise<void>) =>
    notify.command(name).description(description)
      .option('-e, --env <name>', 'environment (default: the only one)')
      .option('--json', json)
      .action(async (opts: { env?: string; json?: boolean }, cmd: Command) => {
        const { config } = loadConfigFor(cmd, ctx);
        const [env] = pickEnvironment(config.environments, opts.env);
        await run(notifierFor(config, env, logger(config)), env, opts.json ?? false);
      });

  sub('test', 'send an INFO notification through every configured sink and say how each fared (nothing is kept for later)', 'print the outcome of each sink as JSON', async (notifier, env, json) => {
    const outcomes = await notifier.deliver(testNotification(env), { keep: false, flushFirst: false });
    if (json) ctx.out(JSON.stringify(outcomes));
    else for (const line of describeOutcomes(outcomes, notifier.logFile.path)) ctx.out(line);
    ctx.exitCode = outcomes.some((o) => !o.ok) ? 1 : 0;
  });
  sub('flush', 're-send the notifications the outbox kept, oldest first', 'print the counts as JSON', async (notifier, env, json) => {
    const result = await notifier.flush();
    if (json) ctx.out(JSON.stringify({ ...result, down: Object.fromEntries(result.down), kept: keptAfter(result) }));
    else for (const line of describeFlush(result, env, notifier.outbox.dir)) ctx.out(line);
    ctx.exitCode = keptAfter(result) > 0 ? 1 : 0;
  });
}

function testNotification(env: string): Notification {
  return {
    level: 'INFO',
    title: `Test notification from Ripcord (${env})`,
    text: `Sent by ${userInfo().username} with \`ripcord notify test\`. If you read this, this sink works.`,
    environment: env,
    fields: { host: hostname() },
    at: new Date(),
  };
}

const logger = (config: RipcordConfig) => cliLogger(config.logging.level, config.logging.file);

/** One line per sink: ✔ / ✗ / - (not configured), with the fix for a failure. */
export function describeOutcomes(outcomes: readonly SinkOutcome[], logPath: string): string[] {
  const line = (o: SinkOutcome) => {
    const label = (o.sink === 'log' ? 'log file' : o.sink).padEnd(9);
    if (o.ok) return `  ✔ ${label} ${o.sink === 'log' ? logPath : 'delivered'}`;
    const fix = o.sink === 'log' ? `check that ${logPath} is writable` : `check ${SINK_SETTING[o.sink]}`;
    return `  ✗ ${label} ${o.error} — ${fix}${o.kept ? ' (kept in the outbox)' : ''}`;
  };
  const configured = new Set(outcomes.map((o) => o.sink));
  const missing = REMOTE_SINKS.filter((s) => !configured.has(s)).map((s) => `  - ${s.padEnd(9)} not configured (${SINK_SETTING[s]})`);
  return [...outcomes.map(line), ...missing];
}

export function describeFlush(r: FlushResult, env: string, dir: string): string[] {
  if (r.busy) return [`another process is flushing the outbox of ${env}; nothing done`];
  const lines = [`delivered ${r.delivered}, still kept ${keptAfter(r)}, dropped ${r.dropped} (outbox ${dir})`];
  for (const [sink, error] of r.down) lines.push(`  ${sink} did not answer: ${error}`);
  if (r.waiting > 0) lines.push(`  ${r.waiting} not tried now (sink not answering, not configured here, or over this call's bound)`);
  for (const path of r.unreadable) lines.push(`  unreadable: ${path} — inspect it, then delete it`);
  if (r.dropped > 0) lines.push('  dropped ones are listed in the notifications log as [ERROR] lines');
  return lines;
}
