/**
 * Names and payloads of scheduled-backup jobs. A job carries names only — the environment and the
 * kind, plus the slot for a catch-up run — never a URL, a path or a secret: the worker reads those
 * from its own ripcord.yml.
 */
import type { ScheduledKind } from '../backups/schedule.js';

/** One queue per environment, so one worker with concurrency 1 runs one backup at a time there. */
export const backupQueueName = (environment: string) => `backups-${environment}`;

/** The job that re-hashes every kept dump (backups.schedule.verify), on the same queue: never beside a backup run. */
export const REVERIFY = 'verify';

/** One BullMQ job scheduler per kind: upserting it again (a restart, a new cron) replaces it. */
export const backupSchedulerId = (kind: ScheduledKind | typeof REVERIFY) => `backup-${kind}`;

/** A catch-up job's ID: the same missed slot found twice (two restarts) is still one job. */
export const catchUpJobId = (kind: ScheduledKind, slot: Date) => `catchup-${kind}-${slot.getTime()}`;

export interface BackupJobData {
  environment: string;
  kind: ScheduledKind | typeof REVERIFY;
  /** Epoch ms of the cron slot, for catch-up runs; scheduler jobs know theirs (opts.prevMillis). */
  slot?: number;
}
