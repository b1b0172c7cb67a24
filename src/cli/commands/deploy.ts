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
import { confirm } from '../confirm.js';
import { performOperation } from '../../operations/perform-operation.js';
import { describeAftermath } from '../aftermath.js';
import { watchInterrupts } from '../interrupt.js';
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
      ctx.exitCode = code;
    });
}

/** Recovers one environment, prints and notifies its reports; returns its exit code. */
async function recoverOne(config: RipcordConfig, name: string, opts: { json?: boolean }, ctx: CliContext): Promise<number> {
  const log = cliLogger(config.logging.level, config.logging.file);
  const x = await openExecutorEnv(config, name, log);
  let unreadable: string[] = [];
  const after = await performOperation(async () => {
    const interrupts = watchInterrupts({ operation: 'recovery', env: name, err: ctx.err });
    const result = await recoverEnvironment(x, opts.json ? undefined : terminalProgress(ctx.out)).finally(() => interrupts.dispose());
    unreadable = result.unreadable;
    return result.reports;
  }, {
    config, environment: name, log, failedAs: { id: '-', kind: 'rollback', environment: name, what: 'recovery' },
    show: (reports) => {
      if (opts.json) ctx.out(JSON.stringify({ reports, unreadable }));
      else if (reports.length === 0) ctx.out(`nothing to recover in ${name}`);
      for (const r of opts.json ? [] : reports) for (const l of summarize(r)) ctx.out(l);
      for (const path of unreadable) ctx.err(`unreadable journal ${path}: inspect it by hand`);
    },
  });
  for (const line of describeAftermath(after, name)) ctx.err(line);
  return Math.max(0, ...after.reports.map((r) => (r.outcome === 'rolled_back' ? 0 : exitCodeOf(r.outcome))), unreadable.length ? 1 : 0);
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
  // Ctrl-C rolls the deploy back like any failure; a second one stops at once (src/cli/interrupt.ts).
  const interrupts = watchInterrupts({ operation: 'deploy', env: name, err: ctx.err });
  const onProgress = interrupts.tracking(opts.json ? undefined : terminalProgress(ctx.out));
  const run = () => runDeploy(x, { ref, requestedBy: `${userInfo().username} via cli`, allowUnhealthy: opts.allowUnhealthy ?? false, onProgress, signal: interrupts.signal }).finally(() => interrupts.dispose());
  const after = await performOperation(run, {
    config, environment: name, log, failedAs: { id: '-', kind: 'deploy', environment: name, ref },
    show: ([report]) => {
      if (!report) return;
      if (opts.json) ctx.out(JSON.stringify(report));
      else for (const line of summarize(report)) ctx.out(line);
      ctx.exitCode = exitCodeOf(report.outcome);
    },
  });
  for (const line of describeAftermath(after, name)) ctx.err(line);
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
