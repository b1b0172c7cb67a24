/**
 * `ripcord watch [OPERATION]`: an operation's progress from its first event, then live until its
 * report, rendered like `ripcord deploy` — whether it started an hour ago or has not started yet.
 * With no operation, the newest one submitted to the environments in ripcord.yml (or --env).
 */
import type { Command } from 'commander';
import { BadInputError, ExitCode } from '../../domain/errors.js';
import { exitCodeOf } from '../../executor/report.js';
import { REQUEST_ID } from '../../operations/request.js';
import { isTaskReport, progressOfEvent, type OperationEvent, type ServiceReport } from '../../operations/service-report.js';
import { followEvents } from '../../queue/operation-events.js';
import { latestOperation } from '../../queue/operation-submitter.js';
import { connectOrExplain, durableConnection, failFastConnection } from '../../queue/redis-connections.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';
import { summarize, terminalProgress } from '../progress.js';

export function registerWatchCommand(program: Command, ctx: CliContext): void {
  program.command('watch [operation]')
    .description('follow an operation run by the executor (default: the newest one), from its start to its report')
    .option('-e, --env <name>', 'with no operation: the newest one of this environment')
    .option('--json', 'print each event as one JSON line')
    .action(async (operation: string | undefined, opts: { env?: string; json?: boolean }, cmd: Command) => {
      const { config } = loadConfigFor(cmd, ctx);
      const probe = await connectOrExplain(failFastConnection(config.redis.url), config.redis.url);
      try {
        const envs = opts.env ? [pickEnvironment(config.environments, opts.env)[0]] : Object.keys(config.environments);
        const id = operation ?? (await latestOperation(probe, config.redis.prefix, envs))?.operationId;
        if (!id) throw new BadInputError(`no operation was submitted to ${envs.join(', ')} recently`, 'pass an operation ID (Slack and `submit` print it)');
        if (!REQUEST_ID.test(id)) throw new BadInputError(`"${id}" is not an operation ID`, 'pass the ID as printed, e.g. 20261130T051500Z-3f9a1c');
        ctx.exitCode = await follow(config.redis.url, config.redis.prefix, id, opts.json ?? false, ctx);
      } finally {
        probe.disconnect();
      }
    });
}

async function follow(url: string, prefix: string, id: string, json: boolean, ctx: CliContext): Promise<number> {
  const redis = durableConnection(url);
  const progress = terminalProgress(ctx.out);
  try {
    for await (const event of followEvents(redis, prefix, id)) {
      if (json) ctx.out(JSON.stringify(event));
      else render(event, progress, ctx);
      if (event.type === 'report') return exitOf(event.report);
    }
    return ExitCode.failed;
  } finally {
    redis.disconnect();
  }
}

function render(event: OperationEvent, progress: ReturnType<typeof terminalProgress>, ctx: CliContext): void {
  if (event.type === 'started') ctx.out(`${event.operation} on ${event.environment}, requested by ${event.requestedBy} via ${event.source} (operation ${event.operationId}, executor ${event.executor})`);
  else if (event.type === 'report') for (const line of reportLines(event.report)) ctx.out(line);
  else {
    const p = progressOfEvent(event);
    if (p) progress(p);
  }
}

export function reportLines(report: ServiceReport): string[] {
  if (!isTaskReport(report)) return summarize(report);
  const head = `${report.kind.replace('_', ' ')} on ${report.environment}: ${report.outcome}`;
  return [head, ...(report.detail ? [report.detail] : []), ...(report.reason && report.reason !== report.detail ? [`reason: ${report.reason}`] : []), `operation: ${report.id}`];
}

function exitOf(report: ServiceReport): number {
  if (report.outcome === 'succeeded') return ExitCode.ok;
  return isTaskReport(report) ? (report.outcome === 'refused' ? ExitCode.refused : ExitCode.failed) : exitCodeOf(report.outcome);
}
