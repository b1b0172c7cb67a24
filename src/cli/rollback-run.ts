/**
 * Show what a manual rollback will do, ask, run it, report: shared by the rollback command and
 * its menu. Nothing here needs Redis or Slack, so it works when both are down (break glass).
 */
import { userInfo } from 'node:os';
import type { RipcordConfig } from '../config/schema.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { formatManualPlan } from '../domain/manual-rollback-format.js';
import type { ManualRollbackRequest } from '../domain/manual-rollback.js';
import { openExecutorEnv, type ExecutorEnv } from '../executor/executor-env.js';
import { releaseLabels } from '../executor/manual-rollback-inputs.js';
import { previewManualRollback, runManualRollback } from '../executor/manual-rollback.js';
import { exitCodeOf, type OperationReport } from '../executor/report.js';
import { cliLogger } from './cli-logger.js';
import { recordAfter } from './commands/deploy.js';
import { flushAsOperationStarts, notifyReports } from './commands/notify.js';
import { confirm } from './confirm.js';
import { watchInterrupts } from './interrupt.js';
import type { CliContext } from './context.js';
import { reportOfError } from './error-report.js';
import { summarize } from './progress.js';
import { liveProgress } from './spinner-progress.js';

export interface RollbackCliOptions {
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export async function openForRollback(config: RipcordConfig, name: string): Promise<ExecutorEnv> {
  return openExecutorEnv(config, name, cliLogger(config.logging.level, config.logging.file));
}

/** Exit code of a manual rollback: 0 done, 2 refused, 4 failed (never 3: nothing was being deployed). */
const exitOf = (r: OperationReport) => (r.outcome === 'succeeded' ? ExitCode.ok : exitCodeOf(r.outcome));

/**
 * Preview → confirm → run → report. A preview that cannot be built (no previous release, a
 * deny-listed schema command, a bad backup name) is a refusal: exit 2, nothing changed.
 */
export async function confirmAndRollBack(x: ExecutorEnv, config: RipcordConfig, request: ManualRollbackRequest, opts: RollbackCliOptions, ctx: CliContext): Promise<void> {
  let plan;
  try {
    plan = await previewManualRollback(x, request);
  } catch (error) {
    // Nothing has started: a refusal is reported (exit 2), anything else is the command's own error.
    if (!(error instanceof RipcordError) || error.exitCode !== ExitCode.refused) throw error;
    return finish(reportOfError(error, 'rollback', x.name), config, opts, ctx);
  }
  const labels = await releaseLabels(x, [plan.fromSha, plan.toSha]);
  if (opts.dryRun) {
    if (opts.json) ctx.out(JSON.stringify(plan));
    else for (const line of formatManualPlan(plan, labels, new Date())) ctx.out(line);
    ctx.exitCode = ExitCode.ok;
    return;
  }
  if (!opts.json || !opts.yes) for (const line of formatManualPlan(plan, labels, new Date())) (opts.json ? ctx.err : ctx.out)(line);
  if (!opts.yes && !(await confirm(`Roll back ${x.name} as shown?`, ctx))) {
    ctx.exitCode = ExitCode.refused;
    return;
  }
  const flushing = flushAsOperationStarts(config, x.name, x.log, ctx);
  // A first Ctrl-C lets the rollback finish (half-way is worse than either end); a second stops at once.
  const interrupts = watchInterrupts({ operation: 'rollback', env: x.name, err: ctx.err });
  const report = await runManualRollback(x, {
    request, requestedBy: `${userInfo().username} via cli`,
    confirmed: { fromSha: plan.fromSha, toSha: plan.toSha, backup: plan.backup?.name ?? null },
    ...(opts.json ? {} : { onProgress: liveProgress(process.stdout, ctx.out) }),
  }).catch((error: unknown) => {
    x.log.error({ err: error }, 'rollback stopped unexpectedly');
    return reportOfError(error, 'rollback', x.name);
  }).finally(() => interrupts.dispose());
  await finish(report, config, opts, ctx);
  // Kept in the outbox when a sink cannot be reached (Slack down): sent by the next command, or `ripcord notify flush`.
  await notifyReports(config, x.name, [report], x.log, ctx, flushing);
}

async function finish(report: OperationReport, config: RipcordConfig, opts: RollbackCliOptions, ctx: CliContext): Promise<void> {
  if (opts.json) ctx.out(JSON.stringify(report));
  else for (const line of summarize(report)) ctx.out(line);
  ctx.exitCode = exitOf(report);
  if (report.outcome !== 'refused') await recordAfter(config, ctx);
}
