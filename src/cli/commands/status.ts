/** `ripcord status`: the state of an environment at a glance (or as JSON). */
import type { Command } from 'commander';
import { formatDistanceToNow } from 'date-fns';
import { environmentStatus, type EnvironmentStatus } from '../../executor/environment-status.js';
import { openExecutorEnv } from '../../executor/executor-env.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';
import { cliLogger } from '../cli-logger.js';
import { shortSha } from '../../domain/ref.js';

const ago = (iso: string) => formatDistanceToNow(new Date(iso), { addSuffix: true });
const releaseName = (r: EnvironmentStatus['release']) => `${r.tags.join(', ') || '(untagged)'} ${shortSha(r.sha, 12)}`;

/** What runs, and the checkout when it is not that: they differ while a deploy is unrecovered. */
function releaseLine(s: EnvironmentStatus): string {
  const head = `${s.environment}: ${releaseName(s.release)}`;
  if (s.releaseFrom === 'checkout') return `${head} (checked out; no journal records the images that run, so that it runs is not verified)`;
  if (s.checkout.sha === s.release.sha) return head;
  return `${head} runs (its recorded images); the checkout is at ${releaseName(s.checkout)}, which does not run`;
}

/** Operations a stopped process left half-done, and the one command that finishes them. */
function unrecoveredLines(s: EnvironmentStatus): string[] {
  const recover = `\`ripcord recover --env ${s.environment}\``;
  return [
    ...s.unrecovered.map((u) => `UNRECOVERED: ${u.kind} ${u.ref ?? ''} (${u.id}) stopped during ${u.state}, started ${ago(u.startedAt)}: run ${recover} to ${u.kind === 'deploy' ? 'roll it back' : 'finish it'}`),
    ...s.unreadableJournals.map((path) => `unreadable journal ${path}: inspect it by hand`),
  ];
}

/** The lines `ripcord status` and `ripcord rollback status` print. */
export function statusLines(s: EnvironmentStatus): string[] {
  const lines = [releaseLine(s), ...unrecoveredLines(s)];
  for (const svc of s.services) lines.push(`  ${svc.service.padEnd(12)} ${svc.state}${svc.health ? ` (${svc.health})` : ''}  ${svc.imageId.slice(7, 19)}`);
  lines.push(`health: ${s.health.healthy ? 'ok' : 'FAILING'} — ${s.health.summary}`);
  const gone = s.lockHolderGone ? ' — its process is gone: the next operation here takes the lock over' : '';
  lines.push(`lock: ${s.lock ? `${s.lock}${gone}` : 'free'}`);
  const op = s.lastOperation;
  lines.push(op ? `last: ${op.kind} ${op.ref ?? ''} ${op.state}${op.reason ? ` — ${op.reason}` : ''} (${ago(op.startedAt)}, ${op.id})` : 'last: none');
  const b = s.newestBackup;
  lines.push(b ? `newest backup: ${b.name} (${b.kind}, ${ago(b.createdAt)}, ${b.corrupt ? `CORRUPT: ${b.corrupt}` : b.verified ? 'verified' : 'NOT verified'})` : 'newest backup: none');
  const v = s.newestVerifiedBackup;
  if (v && v.name !== b?.name) lines.push(`newest verified backup: ${v.name} (${v.kind}, ${ago(v.createdAt)})`);
  const kept = Object.entries(s.undelivered);
  if (kept.length > 0) lines.push(`notifications not yet delivered: ${kept.map(([sink, n]) => `${n} to ${sink}`).join(', ')} (\`ripcord notify flush --env ${s.environment}\`)`);
  return lines;
}

export async function printStatus(cmd: Command, ctx: CliContext, opts: { env?: string; json?: boolean }): Promise<void> {
  const { config } = loadConfigFor(cmd, ctx);
  const [name] = pickEnvironment(config.environments, opts.env);
  const s = await environmentStatus(await openExecutorEnv(config, name, cliLogger(config.logging.level, config.logging.file)));
  if (opts.json) ctx.out(JSON.stringify(s));
  else for (const line of statusLines(s)) ctx.out(line);
}

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program.command('status')
    .description('current release, services, health, lock holder, last deployment and newest backup')
    .option('-e, --env <name>', 'environment (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { env?: string; json?: boolean }, cmd: Command) => printStatus(cmd, ctx, opts));
}
