/**
 * `ripcord start` (the executor of every environment in ripcord.yml, and — once the Slack front
 * end lands — the bot, in one process) and `ripcord executor [--env NAME…]` (executors only, for
 * hosts that serve some environments). Both run until SIGTERM or SIGINT: then no new job is
 * taken, the running operation (or its rollback) finishes, and the process exits 0. A SIGKILL at
 * any moment is converged by the next start: it recovers first, and the journal keeps a
 * redelivered job from running twice.
 */
import type { Command } from 'commander';
import { createLogger } from '../../log/logger.js';
import { ExecutorService } from '../../service/executor-service.js';
import { startBotBeside } from './bot.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';

interface StartOptions { env?: string[]; backups?: boolean; bot?: boolean }

export function registerServiceCommands(program: Command, ctx: CliContext): void {
  program.command('start')
    .description('run the executor for every environment of this host (recovers interrupted operations first), with scheduled backups, /healthz and /metrics, and the Slack bot when slack tokens are set')
    .option('--no-backups', 'do not run the scheduled backups here')
    .action(async (opts: StartOptions, cmd: Command) => serve({ ...opts, bot: true }, cmd, ctx));
  program.command('executor')
    .description('run only the executor, for the environments named (default: every one in ripcord.yml)')
    .option('-e, --env <name...>', 'environments this host serves')
    .option('--no-backups', 'do not run the scheduled backups here')
    .action(async (opts: StartOptions, cmd: Command) => serve(opts, cmd, ctx));
}

async function serve(opts: StartOptions, cmd: Command, ctx: CliContext): Promise<void> {
  const { config } = loadConfigFor(cmd, ctx);
  const environments = opts.env?.length ? opts.env.map((e) => pickEnvironment(config.environments, e)[0]) : Object.keys(config.environments);
  const log = createLogger({ name: 'ripcord-service', level: config.logging.level, file: config.logging.file, stdout: false });
  const say = (line: string) => { ctx.out(line); log.info(line); };
  const stopping = new AbortController();
  const stopSignal = new Promise<string>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => { resolve(sig); stopping.abort(); });
  });
  let service: ExecutorService;
  try {
    service = await ExecutorService.start({ config, environments, log, say, backups: opts.backups !== false, signal: stopping.signal });
  } catch (error) {
    if (!stopping.signal.aborted) throw error;
    say('stopped before serving (Redis never answered); nothing was running');
    ctx.exitCode = 0;
    return;
  }
  const bot = opts.bot ? startBotBeside(config, log, say) : null;
  const sig = await stopSignal;
  say(`${sig}: taking no new job; the running operation finishes first`);
  await bot?.stop();
  await service.stop();
  say('stopped');
  ctx.exitCode = 0;
}
