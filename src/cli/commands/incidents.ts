/**
 * `ripcord incidents list | show | open | ack | escalate | severity | resolve | report ID`: the
 * break-glass side of incidents. Reads and writes the incident files on this host; needs neither
 * Redis nor Slack (Slack is told when it answers).
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Incident } from '../../domain/incident.js';
import { parseSeverity } from '../../domain/incident.js';
import { incidentReportData } from '../../domain/incident-report.js';
import { IncidentService } from '../../incidents/incident-service.js';
import { messageLink } from '../../incidents/slack-placement.js';
import { cliLogger } from '../cli-logger.js';
import { loadConfigFor, type CliContext } from '../context.js';

const who = () => `cli:${userInfo().username}`;

function serviceFor(cmd: Command, ctx: CliContext): IncidentService {
  const { config } = loadConfigFor(cmd, ctx);
  return new IncidentService(config, cliLogger(config.logging.level, config.logging.file));
}

export function incidentLine(i: Incident): string {
  const where = i.slack ? messageLink(i.slack) : 'not in Slack';
  return `${i.id}  ${i.severity}  ${i.state.padEnd(12)}  ${i.environment}  ${i.openedAt.slice(0, 16).replace('T', ' ')}  level ${i.escalationLevel}  ${i.summary}  (${where})`;
}

export function incidentDetail(i: Incident): string[] {
  const f = i.failure;
  return [
    incidentLine(i),
    ...(f ? [
      `what failed: ${f.reason}`,
      `rollback: ${f.rollbackType}${f.rollbackLevel ? ` (Level ${f.rollbackLevel})` : ''}: ${f.steps.map((s) => `${s.name} ${s.outcome}`).join(', ')}`,
      `backups: pre-deploy ${f.preDeployBackup ?? 'none'}, safety ${f.safetyBackup ?? 'none'}`,
    ] : []),
    ...(i.slack?.fellBackBecause ? [`slack: a thread, because ${i.slack.fellBackBecause}`] : []),
    'timeline:',
    ...i.timeline.map((e) => `  ${e.at.replace('T', ' ').slice(0, 19)}  ${e.kind.padEnd(17)} ${e.text}`),
  ];
}

type JsonOpt = { json?: boolean };

function print(ctx: CliContext, opts: JsonOpt, incident: Incident, lines: string[] = [incidentLine(incident)]): void {
  if (opts.json) ctx.out(JSON.stringify(incident));
  else for (const l of lines) ctx.out(l);
}

export function registerIncidentsCommands(program: Command, ctx: CliContext): void {
  const incidents = program.command('incidents').description('incidents opened by failed rollbacks or by hand: works without Slack and Redis');
  incidents.command('list')
    .description('unresolved incidents, newest first (--all for every one)')
    .option('-e, --env <name>', 'only this environment')
    .option('--all', 'resolved ones too')
    .option('--json', 'print as JSON')
    .action(async (opts: { env?: string; all?: boolean } & JsonOpt, cmd: Command) => {
      const list = await serviceFor(cmd, ctx).list({ ...(opts.env ? { environment: opts.env } : {}), ...(opts.all ? {} : { state: 'unresolved' as const }) });
      if (opts.json) return ctx.out(JSON.stringify(list));
      if (list.length === 0) ctx.out(opts.all ? 'no incidents' : 'no open incidents (--all shows resolved ones)');
      for (const i of list) ctx.out(incidentLine(i));
    });
  incidents.command('show <id>').description('one incident: what failed, what Ripcord did, the timeline').option('--json', 'print as JSON')
    .action(async (id: string, opts: JsonOpt, cmd: Command) => { const i = await serviceFor(cmd, ctx).get(id); print(ctx, opts, i, incidentDetail(i)); });
  incidents.command('open [summary...]').description('open an incident by hand').option('-e, --env <name>', 'environment (default: the only one)').option('--json', 'print as JSON')
    .action(async (summary: string[], opts: { env?: string } & JsonOpt, cmd: Command) => print(ctx, opts, await serviceFor(cmd, ctx).open(opts.env, summary.join(' '), who())));
  incidents.command('ack <id>').description('acknowledge: you have it').option('--json', 'print as JSON')
    .action(async (id: string, opts: JsonOpt, cmd: Command) => print(ctx, opts, await serviceFor(cmd, ctx).acknowledge(id, who())));
  incidents.command('escalate <id>').description('page the next contact level now').option('--json', 'print as JSON')
    .action(async (id: string, opts: JsonOpt, cmd: Command) => print(ctx, opts, await serviceFor(cmd, ctx).escalateNow(id, who())));
  incidents.command('severity <id> <level>').description('set severity P1–P4').option('--json', 'print as JSON')
    .action(async (id: string, level: string, opts: JsonOpt, cmd: Command) => print(ctx, opts, await serviceFor(cmd, ctx).setSeverity(id, parseSeverity(level), who())));
  incidents.command('resolve <id>').description('resolve; the report is filled in and stored (and posted in Slack)').option('--json', 'print as JSON')
    .action(async (id: string, opts: JsonOpt, cmd: Command) => print(ctx, opts, await serviceFor(cmd, ctx).resolve(id, who())));
  incidents.command('report <id>').description('the incident report, Markdown (or --json)').option('--json', 'print the report data as JSON')
    .action(async (id: string, opts: JsonOpt, cmd: Command) => {
      const { incident, markdown } = await serviceFor(cmd, ctx).report(id);
      ctx.out(opts.json ? JSON.stringify({ ...incidentReportData(incident), markdown }) : markdown);
    });
}
