/**
 * The use case the queue worker calls for every job: run one requested operation on this host
 * with the same executor code as the CLI (runDeploy, runManualRollback, the backups module), under
 * the same environment lock. A lock held by someone else (a break-glass CLI rollback, a scheduled
 * backup) is waited for, up to service.lockWaitMinutes, instead of failing the queued request.
 */
import { createBackup, restoreBackup, verifyBackup } from '../backups/index.js';
import type { ExecutorEnv } from '../executor/executor-env.js';
import { runDeploy } from '../executor/deploy.js';
import { runManualRollback } from '../executor/manual-rollback.js';
import type { ProgressListener, StepReport } from '../executor/report.js';
import { LockHeldError } from '../state/environment-lock.js';
import { reportOfError } from './report-of-error.js';
import { describeOperation, requester, type OperationJobData } from './request.js';
import type { ServiceReport, TaskReport } from './service-report.js';

export interface RunOptions {
  onProgress: ProgressListener;
  /** How long to wait for an environment lock someone else holds. */
  lockWaitMs: number;
  signal?: AbortSignal;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn`, trying again while the environment lock is held by another operation. */
export async function withLockWait<T>(fn: () => Promise<T>, opts: Pick<RunOptions, 'onProgress' | 'lockWaitMs'>): Promise<T> {
  const deadline = Date.now() + opts.lockWaitMs;
  let told = false;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof LockHeldError) || Date.now() >= deadline) throw error;
      if (!told) opts.onProgress({ type: 'note', text: `waiting: ${error.message}` });
      told = true;
      await pause(500);
    }
  }
}

export async function runOperation(x: ExecutorEnv, job: OperationJobData, opts: RunOptions): Promise<ServiceReport> {
  const op = job.operation;
  const requestedBy = requester(job);
  try {
    switch (op.kind) {
      case 'deploy':
        return await withLockWait(() => runDeploy(x, { ref: op.ref, requestedBy, onProgress: opts.onProgress, id: job.operationId }), opts);
      case 'rollback': {
        const { confirmed, ...request } = op.rollback;
        return await withLockWait(() => runManualRollback(x, { request, requestedBy, onProgress: opts.onProgress, id: job.operationId, ...(confirmed ? { confirmed } : {}) }), opts);
      }
      default:
        return await runTask(x, job, opts);
    }
  } catch (error) {
    return reportOfFailure(job, error);
  }
}

/** Backup jobs and the no-op: one step each, under the environment lock (a restore must never race a deploy). */
async function runTask(x: ExecutorEnv, job: OperationJobData, opts: RunOptions): Promise<TaskReport> {
  const op = job.operation;
  const kind = op.kind as TaskReport['kind'];
  const startedAt = new Date();
  opts.onProgress({ type: 'step_started', phase: 'deploy', name: kind, at: startedAt });
  const body = async (): Promise<{ ok: boolean; detail: string }> => {
    switch (op.kind) {
      case 'backup_create': {
        const b = await createBackup(x.env, { kind: op.backupKind, verify: true, signal: opts.signal });
        return { ok: true, detail: `created ${b.name} (${b.sizeBytes} bytes, verified)` };
      }
      case 'backup_verify': {
        const r = await verifyBackup(x.env, op.backup, { deep: op.deep });
        return { ok: r.ok, detail: r.ok ? `${op.backup}: ok (${r.checked.join(', ')})` : `${op.backup}: FAILED — ${r.reasons.join('; ')}` };
      }
      case 'backup_restore': {
        const r = await restoreBackup(x.env, op.backup);
        return { ok: true, detail: `restored ${r.restored}; the state before is in ${r.safetyBackup}` };
      }
      default:
        return { ok: true, detail: 'nothing to do' };
    }
  };
  const locked = () => x.locks.withLock(x.name, { operation: `${describeOperation(op)} by ${requester(job)}`, deploymentId: job.operationId }, body);
  const result = op.kind === 'noop' ? await body() : await withLockWait(locked, opts);
  const step: StepReport = { name: kind, outcome: result.ok ? 'ok' : 'failed', startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), ...(result.ok ? {} : { reason: result.detail }) };
  opts.onProgress({ type: 'step_finished', phase: 'deploy', step });
  return {
    id: job.operationId, kind, environment: x.name, outcome: result.ok ? 'succeeded' : 'failed', ...(result.ok ? {} : { reason: result.detail }),
    detail: result.detail, stages: [step], startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
  };
}

/** An error no stage caught still ends in a report (report-of-error.ts). */
export function reportOfFailure(job: OperationJobData, error: unknown): ServiceReport {
  const ref = job.operation.kind === 'deploy' ? job.operation.ref : undefined;
  return reportOfError(error, { id: job.operationId, kind: job.operation.kind, environment: job.environment, ref, what: describeOperation(job.operation) });
}
