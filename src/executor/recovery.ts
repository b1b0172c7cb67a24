/**
 * Recovery: what the executor does when it starts again. Every journal of an environment that did
 * not reach a terminal state is finished: an interrupted deploy is rolled back, an interrupted
 * rollback is resumed (finished steps that must not repeat are skipped), and a database it held for
 * a restore (write-hold.ts) is given back once it has ended. With ROLLBACK_ENABLED
 * false an interrupted deploy is not rolled back: its journal ends `failed` (or `refused` when it had
 * not started a stage) and the report says how to roll back by hand; a rollback already under way
 * is still finished, since stopping one half-way leaves the host between two releases.
 */
import { Journal, listUnfinished, readJournal, type UnfinishedJournal } from '../state/journal.js';
import { foldJournal } from '../domain/journal-facts.js';
import { accessOf } from '../backups/access.js';
import { HOLD_FACT, releaseLeftHold } from './write-hold.js';
import type { ExecutorEnv } from './executor-env.js';
import { withLiveRelease } from './live-release.js';
import { OperationRecorder } from './operation-recorder.js';
import type { OperationReport, ProgressListener } from './report.js';
import { rollBackFromJournal, rollbackFacts } from './rollback.js';
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
      if (!x.env.rollback.enabled && item.facts.state !== 'rolling_back') return await endWithoutRollback(x, item, journal, reason, startedAt);
      if (item.facts.state !== 'rolling_back') await journal.append({ type: 'state', state: 'rolling_back', reason });
      const result = await rollBackFromJournal(x, rec);
      await giveBackHold(x, item.path);
      // A manual rollback finished by recovery did what was asked: it succeeded (as its journal's report says, journal-decision.ts).
      const done = header.kind === 'rollback' ? 'succeeded' : 'rolled_back';
      return await withLiveRelease(x, {
        id: header.id, kind: header.kind, environment: x.name, ...(header.ref ? { ref: header.ref } : {}),
        ...(item.facts.previousSha ? { previousSha: item.facts.previousSha } : {}), ...(item.facts.targetSha ? { targetSha: item.facts.targetSha } : {}),
        outcome: result.ok ? done : 'rollback_failed', reason: result.ok ? reason : `${reason}; rollback failed: ${result.reason}`,
        stages: [], rollback: rec.steps, ...rollbackFacts(result), startedAt, finishedAt: new Date().toISOString(),
      });
    } finally {
      await journal.close();
    }
  } finally {
    await lock.release();
  }
}

/** A hold on the database the crashed run journaled (write-hold.ts) never outlives the rollback. */
async function giveBackHold(x: ExecutorEnv, path: string): Promise<void> {
  const facts = foldJournal((await readJournal(path)).entries).facts;
  try {
    if (await releaseLeftHold(facts, () => accessOf(x.env, { compose: x.compose }))) x.log.warn({ hold: facts[HOLD_FACT] }, 'gave back the database the interrupted rollback held (renamed to its own name, accepting connections)');
  } catch (error) {
    x.log.error({ err: error, hold: facts[HOLD_FACT] }, 'the rollback held the database under another name and it could not be given back: rename it to its own name and ALTER DATABASE … ALLOW_CONNECTIONS true');
  }
}

/** ROLLBACK_ENABLED=false: the deploy is ended where it stopped, undone by nobody, and the report says so. */
async function endWithoutRollback(x: ExecutorEnv, item: UnfinishedJournal, journal: Journal, reason: string, startedAt: string): Promise<OperationReport> {
  const header = item.facts.header;
  const started = item.facts.state !== 'queued';
  const why = `${reason}; not rolled back: rollbacks are off (ROLLBACK_ENABLED=false / rollback.enabled)`;
  await journal.append({ type: 'state', state: started ? 'failed' : 'refused', reason: why });
  return withLiveRelease(x, {
    id: header.id, kind: header.kind, environment: x.name, ...(header.ref ? { ref: header.ref } : {}),
    ...(item.facts.previousSha ? { previousSha: item.facts.previousSha } : {}), ...(item.facts.targetSha ? { targetSha: item.facts.targetSha } : {}),
    outcome: started ? 'failed' : 'refused', reason: why, stages: [], startedAt, finishedAt: new Date().toISOString(),
  });
}
