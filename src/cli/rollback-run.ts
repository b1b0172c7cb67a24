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
import { describeAftermath } from './aftermath.js';
import { performOperation } from '../operations/perform-operation.js';
import { confirm } from './confirm.js';
import { watchInterrupts } from './interrupt.js';
import type { CliContext } from './context.js';
import { reportOfError } from '../operations/report-of-error.js';
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
    return show(reportOfError(error, { id: '-', kind: 'rollback', environment: x.name }), opts, ctx);
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
  // A first Ctrl-C lets the rollback finish (half-way is worse than either end); a second stops at once.
  const interrupts = watchInterrupts({ operation: 'rollback', env: x.name, err: ctx.err });
  const after = await performOperation(() => runManualRollback(x, {
    request, requestedBy: `${userInfo().username} via cli`,
    confirmed: { fromSha: plan.fromSha, toSha: plan.toSha, backup: plan.backup?.name ?? null },
    ...(opts.json ? {} : { onProgress: liveProgress(process.stdout, ctx.out) }),
  }).finally(() => interrupts.dispose()), { config, environment: x.name, log: x.log, failedAs: { id: '-', kind: 'rollback', environment: x.name }, show: ([report]) => report && show(report, opts, ctx) });
  // Kept in the outbox when a sink cannot be reached (Slack down): sent by the next command, or `ripcord notify flush`.
  for (const line of describeAftermath(after, x.name)) ctx.err(line);
}

/** A report on the terminal (or as JSON), and the exit code it means. */
function show(report: OperationReport, opts: RollbackCliOptions, ctx: CliContext): void {
  if (opts.json) ctx.out(JSON.stringify(report));
  else for (const line of summarize(report)) ctx.out(line);
  ctx.exitCode = exitOf(report);
}
