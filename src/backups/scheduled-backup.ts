/**
 * One scheduled backup run: take a verified backup of the kind, then apply the retention policy.
 * Idempotent per slot: when a backup of that kind already exists for the slot (a catch-up run and
 * the overdue scheduled job both fired), the second does nothing.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { RetentionDecision } from '../domain/retention.js';
import { createBackup } from './create-backup.js';
import { listBackups } from './list-backups.js';
import type { BackupRecord } from './manifest.js';
import { pruneBackups } from './prune-backups.js';
import { slotTaken, type ScheduledKind } from './schedule.js';

export interface ScheduledRunResult {
  /** Null when the slot had already been taken. */
  backup: BackupRecord | null;
  pruned: RetentionDecision['delete'];
}

export interface ScheduledRun {
  env: EnvironmentConfig;
  envName: string;
  stateDir: string;
  kind: ScheduledKind;
  /** The cron slot this run is for. */
  slot: Date;
  signal?: AbortSignal | undefined;
}

export async function runScheduledBackup(run: ScheduledRun): Promise<ScheduledRunResult> {
  if (slotTaken(await listBackups(run.env), run.kind, run.slot)) return { backup: null, pruned: [] };
  const backup = await createBackup(run.env, { kind: run.kind, verify: true, signal: run.signal });
  const decision = await pruneBackups(run.env, run.envName, run.stateDir, { dryRun: false });
  return { backup, pruned: decision.delete };
}
