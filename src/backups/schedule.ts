/**
 * When scheduled backups (and the re-verification of kept dumps) are due, and whether one was missed. The backup dir is the record: a
 * scheduled kind whose newest backup is older than its last cron slot missed that slot (the
 * executor was down, or Redis lost its schedule). Only the last slot counts — one catch-up run,
 * never one per missed day.
 */
import { CronExpressionParser } from 'cron-parser';
import type { BackupsConfig, EnvironmentConfig } from '../config/schema.js';
import type { BackupKind } from './backup-files.js';
import type { BackupRecord } from './manifest.js';
import { listBackups } from './list-backups.js';

export type ScheduledKind = Extract<BackupKind, 'daily' | 'weekly' | 'monthly'>;
export const SCHEDULED_KINDS: readonly ScheduledKind[] = ['daily', 'weekly', 'monthly'];

export interface ScheduleEntry {
  kind: ScheduledKind;
  cron: string;
  timezone: string;
}

/** The kinds an environment schedules (a kind set to null is not scheduled). */
export function scheduleOf(backups: BackupsConfig): ScheduleEntry[] {
  if (!backups.enabled) return [];
  return SCHEDULED_KINDS.flatMap((kind) => {
    const cron = backups.schedule[kind];
    return cron ? [{ kind, cron, timezone: backups.schedule.timezone }] : [];
  });
}

/** When every kept dump is re-hashed (backups.schedule.verify); null when that is off. */
export function reverifyScheduleOf(backups: BackupsConfig): Pick<ScheduleEntry, 'cron' | 'timezone'> | null {
  if (!backups.enabled || !backups.schedule.verify) return null;
  return { cron: backups.schedule.verify, timezone: backups.schedule.timezone };
}

/** The latest time `cron` fired at or before `now`, in its time zone. */
export function lastSlot(entry: Pick<ScheduleEntry, 'cron' | 'timezone'>, now: Date): Date {
  // prev() is strictly before currentDate; a slot exactly at `now` counts as the last one.
  const at = new Date(now.getTime() + 1000);
  return CronExpressionParser.parse(entry.cron, { currentDate: at, tz: entry.timezone }).prev().toDate();
}

/** True when a backup of `kind` was created at or after `slot`: that slot's run happened. */
export function slotTaken(backups: readonly BackupRecord[], kind: BackupKind, slot: Date): boolean {
  return backups.some((b) => b.kind === kind && new Date(b.createdAt).getTime() >= slot.getTime());
}

/**
 * The scheduled kinds whose last slot has no backup, though earlier ones do (so a kind never run
 * yet — a fresh install — waits for its first slot instead of running at start-up).
 */
export async function missedSlots(env: EnvironmentConfig, now: Date): Promise<Array<{ kind: ScheduledKind; slot: Date }>> {
  const backups = await listBackups(env);
  return scheduleOf(env.backups).flatMap((entry) => {
    const slot = lastSlot(entry, now);
    const ranBefore = backups.some((b) => b.kind === entry.kind);
    return ranBefore && !slotTaken(backups, entry.kind, slot) ? [{ kind: entry.kind, slot }] : [];
  });
}
