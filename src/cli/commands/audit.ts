/**
 * `ripcord audit [--env NAME] [--since 24h|2026-11-30] [--json] [--store]`: who asked Ripcord to do
 * what from Slack — asked, approval requested, approved, denied, started, finished — from the
 * audit file under stateDir (the record of truth), or from the PostgreSQL store with --store
 * (where several bots' trails meet).
 */
import type { Command } from 'commander';
import { BadInputError } from '../../domain/errors.js';
import { auditPath, readAudit, type AuditEntry } from '../../state/audit-log.js';
import { listAudit } from '../../store/audit-store.js';
import { withStore } from '../../store/pg-store.js';
import { loadConfigFor, type CliContext } from '../context.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "24h", "7d" before `now`, or an ISO date/time. */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d+)\s*([mhd])$/.exec(text.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new BadInputError(`--since "${text}" is neither a duration nor a date`, 'write e.g. --since 24h, --since 7d or --since 2026-11-30');
  return at;
}

/** One line per entry: time, environment, event, action and target, who, where, detail. */
export function auditLine(e: AuditEntry): string {
  const what = [e.action, e.target].filter(Boolean).join(' ');
  const where = e.channel ? ` in ${e.channel}` : '';
  const op = e.operationId ? ` [${e.operationId}]` : '';
  return `${e.at}  ${e.environment.padEnd(10)} ${e.event.padEnd(18)} ${what} — ${e.user.name} (${e.user.id})${where}${op}${e.detail ? ` · ${e.detail}` : ''}`;
}

export function registerAuditCommand(program: Command, ctx: CliContext): void {
  program.command('audit')
    .description('who asked for what from Slack: asked, approved, denied, started, finished')
    .option('-e, --env <name>', 'only this environment')
    .option('--since <when>', 'only since then: 30m, 24h, 7d or a date (2026-11-30)')
    .option('--json', 'one JSON object per line')
    .option('--store', 'read Ripcord\'s PostgreSQL store (store.databaseUrl) instead of the local audit file')
    .action(async (opts: { env?: string; since?: string; json?: boolean; store?: boolean }, cmd: Command) => {
      const { config } = loadConfigFor(cmd, ctx);
      if (opts.env && !config.environments[opts.env]) throw new BadInputError(`environment "${opts.env}" is not in ripcord.yml`, `pass --env with one of: ${Object.keys(config.environments).join(', ')}`);
      const filter = { ...(opts.env ? { environment: opts.env } : {}), ...(opts.since ? { since: parseSince(opts.since, new Date()) } : {}) };
      let entries: AuditEntry[];
      if (opts.store) {
        const url = config.store.databaseUrl;
        if (!url) throw new BadInputError('--store needs store.databaseUrl', 'set store.databaseUrl in ripcord.yml, or leave out --store to read the local audit file');
        entries = await withStore(url, (client) => listAudit(client, filter));
      } else {
        entries = await readAudit(auditPath(config.stateDir), filter);
      }
      if (opts.json) for (const e of entries) ctx.out(JSON.stringify(e));
      else if (entries.length === 0) ctx.out(`no audit entries${opts.env ? ` for ${opts.env}` : ''}${opts.since ? ` since ${opts.since}` : ''} (${opts.store ? 'PostgreSQL store' : auditPath(config.stateDir)})`);
      else for (const e of entries) ctx.out(auditLine(e));
      ctx.exitCode = 0;
    });
}
