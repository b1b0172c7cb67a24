/** `ripcord status`: the state of an environment at a glance (or as JSON). */
import type { Command } from 'commander';
import { formatDistanceToNow } from 'date-fns';
import { environmentStatus } from '../../executor/environment-status.js';
import { openExecutorEnv } from '../../executor/executor-env.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';
import { cliLogger } from './deploy.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program.command('status')
    .description('current release, services, lock holder, last deployment and newest backup')
    .option('-e, --env <name>', 'environment (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { env?: string; json?: boolean }, cmd: Command) => {
      const { config } = loadConfigFor(cmd, ctx);
      const [name] = pickEnvironment(config.environments, opts.env);
      const s = await environmentStatus(await openExecutorEnv(config, name, cliLogger(config.logging.level, config.logging.file)));
      if (opts.json) return ctx.out(JSON.stringify(s));
      const ago = (iso: string) => formatDistanceToNow(new Date(iso), { addSuffix: true });
      ctx.out(`${s.environment}: ${s.release.tags.join(', ') || '(untagged)'} ${s.release.sha.slice(0, 12)}`);
      for (const svc of s.services) ctx.out(`  ${svc.service.padEnd(12)} ${svc.state}${svc.health ? ` (${svc.health})` : ''}  ${svc.imageId.slice(7, 19)}`);
      ctx.out(`lock: ${s.lock ?? 'free'}`);
      const op = s.lastOperation;
      ctx.out(op ? `last: ${op.kind} ${op.ref ?? ''} ${op.state}${op.reason ? ` — ${op.reason}` : ''} (${ago(op.startedAt)}, ${op.id})` : 'last: none');
      const b = s.newestBackup;
      ctx.out(b ? `newest backup: ${b.name} (${b.kind}, ${ago(b.createdAt)}, ${b.verified ? 'verified' : 'NOT verified'})` : 'newest backup: none');
    });
}
