/**
 * Recovery: what the executor does when it starts again. Every journal of an environment that did
 * not reach a terminal state is finished: an interrupted deploy is rolled back, an interrupted
 * rollback is resumed (finished steps that must not repeat are skipped).
 */
import { Journal, listUnfinished, type UnfinishedJournal } from '../state/journal.js';
import type { ExecutorEnv } from './executor-env.js';
import { OperationRecorder } from './operation-recorder.js';
import type { OperationReport, ProgressListener } from './report.js';
import { rollBackFromJournal } from './rollback.js';
import { stopLeftovers } from './rollback-steps.js';
import { LockHeldError } from '../state/environment-lock.js';

export interface RecoveryResult {
  reports: OperationReport[];
  /** Journals that could not be read: a person must look at them. */
  unreadable: string[];
}

export async function recoverEnvironment(x: ExecutorEnv, onProgress?: ProgressListener): Promise<RecoveryResult> {
  const { unfinished, unreadable } = await listUnfinished(x.stateDir, x.name);
  const reports: OperationReport[] = [];
  for (const item of unfinished) {
    const report = await recoverOne(x, item, onProgress);
    if (report) reports.push(report);
  }
  return { reports, unreadable: unreadable.map((u) => u.path) };
}

async function recoverOne(x: ExecutorEnv, item: UnfinishedJournal, onProgress?: ProgressListener): Promise<OperationReport | null> {
  const header = item.facts.header;
  let lock;
  try {
    // A live holder is still working on it; a dead one's lock is taken over.
    lock = await x.locks.acquire(x.name, { operation: `recovery of ${header.kind} ${header.ref ?? ''} (${header.id})`, deploymentId: header.id });
  } catch (error) {
    if (error instanceof LockHeldError && error.owner?.deploymentId === header.id) return null;
    throw error;
  }
  const startedAt = new Date().toISOString();
  try {
    const { journal } = await Journal.resume(item.path);
    const rec = OperationRecorder.forEnvironment(x, journal, { deployment: header.id, recovery: true }, onProgress);
    try {
      const stopped = await stopLeftovers(x, item.facts);
      await rec.fact('recoveredBy', { pid: process.pid, at: startedAt, stoppedLeftovers: stopped });
      const reason = `the executor stopped during ${item.facts.state} (recovered after a restart)`;
      if (item.facts.state !== 'rolling_back') await journal.append({ type: 'state', state: 'rolling_back', reason });
      const result = await rollBackFromJournal(x, rec);
      return {
        id: header.id, kind: header.kind, environment: x.name, ...(header.ref ? { ref: header.ref } : {}),
        ...(item.facts.previousSha ? { previousSha: item.facts.previousSha } : {}), ...(item.facts.targetSha ? { targetSha: item.facts.targetSha } : {}),
        outcome: result.ok ? 'rolled_back' : 'rollback_failed', reason: result.ok ? reason : `${reason}; rollback failed: ${result.reason}`,
        stages: [], rollback: rec.steps, startedAt, finishedAt: new Date().toISOString(),
      };
    } finally {
      await journal.close();
    }
  } finally {
    await lock.release();
  }
}
