/**
 * Scheduled backups as the service runs them: each under the environment lock (waiting while a
 * deploy or rollback holds it, so a dump never races a migration or a restore), and failures
 * notified through the environment's own sinks.
 */
import type { Logger } from 'pino';
import { runScheduledBackup, type ScheduledRun, type ScheduledRunResult } from '../backups/scheduled-backup.js';
import type { RipcordConfig } from '../config/schema.js';
import type { Notifier } from '../domain/ports.js';
import { notifierFor } from '../notify/notifier-for.js';
import { withLockWait } from '../operations/run-operation.js';
import { EnvironmentLocks } from '../state/environment-lock.js';
import { newOperationId } from '../state/journal.js';

export function lockedScheduledRun(config: RipcordConfig, log: Logger): (run: ScheduledRun) => Promise<ScheduledRunResult> {
  const locks = new EnvironmentLocks(config.stateDir);
  return (run) => withLockWait(
    () => locks.withLock(run.envName, { operation: `scheduled ${run.kind} backup (slot ${run.slot.toISOString()})`, deploymentId: newOperationId() }, () => runScheduledBackup(run)),
    { lockWaitMs: config.service.lockWaitMinutes * 60_000, onProgress: (e) => { if (e.type === 'note') log.info({ env: run.envName, kind: run.kind }, e.text); } },
  );
}

/** One notifier for every environment: each notification goes through its own environment's sinks. */
export function serviceNotifier(config: RipcordConfig, log: Logger): Notifier {
  return { notify: (n) => notifierFor(config, n.environment, log).notify(n) };
}
