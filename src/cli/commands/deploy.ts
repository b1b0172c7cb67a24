/**
 * `ripcord deploy REF`, `ripcord recover`. Exit codes: 0 deployed; 2 refused or bad input (nothing
 * changed); 3 failed and rolled back; 4 rollback failed.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { RipcordConfig } from '../../config/schema.js';
import { formatPlan } from '../../domain/plan-format.js';
import { validateRef } from '../../domain/ref.js';
import { buildDeployPlan, withPreview } from '../../domain/plan.js';
import { runDeploy } from '../../executor/deploy.js';
import { openExecutorEnv } from '../../executor/executor-env.js';
import { deployPreview } from '../../executor/deploy-preview.js';
import { EnvironmentLocks } from '../../state/environment-lock.js';
import { recoverEnvironment } from '../../executor/recovery.js';
import { exitCodeOf } from '../../executor/report.js';
import { cliLogger } from '../cli-logger.js';
import { syncRecords } from '../../store/sync-records.js';
import { confirm } from '../confirm.js';
import { reportOfError } from '../error-report.js';
import { flushAsOperationStarts, notifyReports } from './notify.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';
import { summarize, terminalProgress } from '../progress.js';

interface DeployOptions { env?: string; yes?: boolean; dryRun?: boolean; json?: boolean; allowUnhealthy?: boolean }

export function registerDeployCommands(program: Command, ctx: CliContext): void {
  program.command('deploy <ref>')
    .description('deploy a tag, branch or SHA; rolls back automatically when any stage fails')
    .option('-e, --env <name>', 'environment (default: the only one)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'print the plan (current → target, commits, pending migrations, images to build); change nothing')
    .option('--json', 'print one JSON object with the outcome and every stage')
    .option('--allow-unhealthy', 'deploy even though the app fails its health check now (a fix forward); recorded in the journal and the report')
    .action(async (ref: string, opts: DeployOptions, cmd: Command) => deploy(ref, opts, cmd, ctx));

  program.command('unlock')
    .description('remove an environment lock whose holder is gone (Ripcord takes over dead local holders by itself)')
    .option('-e, --env <name>', 'environment (default: the only one)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (opts: { env?: string; yes?: boolean }, cmd: Command) => {
      const { config } = loadConfigFor(cmd, ctx);
      const [name] = pickEnvironment(config.environments, opts.env);
      const locks = new EnvironmentLocks(config.stateDir);
      const holder = await locks.holder(name);
      if (!holder) { ctx.out(`${name} is not locked`); return; }
      if (!opts.yes && !(await confirm(`Remove the lock held by ${locks.describeOwner(holder)}?`, ctx))) { ctx.exitCode = 2; return; }
      await locks.forceUnlock(name);
      ctx.out(`removed the lock of ${name} (was: ${locks.describeOwner(holder)}); run \`ripcord recover --env ${name}\` if that operation was interrupted`);
    });

  program.command('recover')
    .description('finish what an interrupted deploy or rollback left: roll it back from its journal')
    .option('-e, --env <name>', 'environment (default: every environment in ripcord.yml)')
    .option('--json', 'print the reports as JSON (one object per environment)')
    .action(async (opts: { env?: string; json?: boolean }, cmd: Command) => {
      const { config } = loadConfigFor(cmd, ctx);
      // At boot (deploy/ripcord.service) every environment of this host is recovered.
      const names = opts.env ? [pickEnvironment(config.environments, opts.env)[0]] : Object.keys(config.environments);
      let code = 0;
      for (const name of names) code = Math.max(code, await recoverOne(config, name, opts, ctx));
      await recordAfter(config, ctx);
      ctx.exitCode = code;
    });
}

/** Recovers one environment, prints and notifies its reports; returns its exit code. */
async function recoverOne(config: RipcordConfig, name: string, opts: { json?: boolean }, ctx: CliContext): Promise<number> {
  const log = cliLogger(config.logging.level, config.logging.file);
  const x = await openExecutorEnv(config, name, log);
  const flushing = flushAsOperationStarts(config, name, log, ctx);
  const result = await recoverEnvironment(x, opts.json ? undefined : terminalProgress(ctx.out));
  if (opts.json) ctx.out(JSON.stringify(result));
  else if (result.reports.length === 0) ctx.out(`nothing to recover in ${name}`);
  for (const r of opts.json ? [] : result.reports) for (const l of summarize(r)) ctx.out(l);
  for (const path of result.unreadable) ctx.err(`unreadable journal ${path}: inspect it by hand`);
  await notifyReports(config, name, result.reports, log, ctx, flushing);
  return Math.max(0, ...result.reports.map((r) => (r.outcome === 'rolled_back' ? 0 : exitCodeOf(r.outcome))), result.unreadable.length ? 1 : 0);
}

async function deploy(ref: string, opts: DeployOptions, cmd: Command, ctx: CliContext): Promise<void> {
  validateRef(ref);
  const { config } = loadConfigFor(cmd, ctx);
  const [name] = pickEnvironment(config.environments, opts.env);
  const log = cliLogger(config.logging.level, config.logging.file);
  const x = await openExecutorEnv(config, name, log);
  if (opts.dryRun) return dryRun(x, ref, opts, ctx);
  if (!opts.yes && !(await confirm(`Deploy ${ref} to ${name}?`, ctx))) {
    ctx.exitCode = 2;
    return;
  }
  if (!opts.json) ctx.out(`deploying ${ref} to ${name}`);
  const flushing = flushAsOperationStarts(config, name, log, ctx);
  const report = await runDeploy(x, { ref, requestedBy: `${userInfo().username} via cli`, allowUnhealthy: opts.allowUnhealthy ?? false, ...(opts.json ? {} : { onProgress: terminalProgress(ctx.out) }) })
    .catch((error: unknown) => {
      log.error({ err: error }, 'deploy stopped unexpectedly');
      return reportOfError(error, 'deploy', name, ref);
    });
  if (opts.json) ctx.out(JSON.stringify(report));
  else for (const line of summarize(report)) ctx.out(line);
  ctx.exitCode = exitCodeOf(report.outcome);
  await notifyReports(config, name, [report], log, ctx, flushing);
  await recordAfter(config, ctx);
}

async function dryRun(x: Awaited<ReturnType<typeof openExecutorEnv>>, ref: string, opts: DeployOptions, ctx: CliContext): Promise<void> {
  await x.repo.fetch(x.env.remote);
  const current = await x.repo.currentSha();
  const target = await x.repo.resolve(ref);
  const plan = withPreview(buildDeployPlan(x.env, { ref, sha: target }, { sha: current }), await deployPreview(x, current, target));
  if (opts.json) ctx.out(JSON.stringify(plan));
  else for (const line of formatPlan(plan)) ctx.out(line);
  ctx.exitCode = 0;
}

/** The journal is the truth; the records follow it, now or at the next sync when PostgreSQL is down. */
export async function recordAfter(config: Parameters<typeof syncRecords>[0], ctx: CliContext): Promise<void> {
  const outcome = await syncRecords(config);
  if (outcome?.error) ctx.err(`note: deployment records not written (${outcome.error}); the journal keeps them and the next run writes them`);
}
