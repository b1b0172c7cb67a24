/** Scheduled kinds and the re-verification, their last cron slot in the configured time zone, and when a slot counts as taken. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastSlot, reverifyScheduleOf, scheduleOf, slotTaken } from '../../src/backups/schedule.js';
import type { BackupRecord } from '../../src/backups/manifest.js';
import { environmentSchema, type BackupsConfig } from '../../src/config/schema.js';

const backups = (schedule: Partial<BackupsConfig['schedule']> = {}, enabled = true): BackupsConfig => ({
  enabled, dir: '/b', format: 'custom', jobs: 2, predeployRetentionDays: 7, keep: { daily: 7, weekly: 4, monthly: 12 },
  schedule: { timezone: 'UTC', daily: '0 2 * * *', weekly: '0 3 * * 0', monthly: '0 4 1 * *', verify: '0 5 * * *', ...schedule },
});

test('the runbook defaults schedule daily, weekly and monthly; null turns one off; disabled turns all off', () => {
  assert.deepEqual(scheduleOf(backups()).map((e) => [e.kind, e.cron]), [['daily', '0 2 * * *'], ['weekly', '0 3 * * 0'], ['monthly', '0 4 1 * *']]);
  assert.deepEqual(scheduleOf(backups({ weekly: null, timezone: 'Asia/Tokyo' })).map((e) => [e.kind, e.timezone]), [['daily', 'Asia/Tokyo'], ['monthly', 'Asia/Tokyo']]);
  assert.deepEqual(scheduleOf(backups({}, false)), []);
});

test('kept dumps are re-verified daily at 05:00 by default (after the scheduled backups), in the schedule time zone; null or disabled turns it off', () => {
  assert.equal(environmentSchema.parse({ appDir: '/app', database: { url: 'postgres://u@h/d' }, backups: { dir: '/b' }, health: { url: 'http://127.0.0.1/' } }).backups.schedule.verify, '0 5 * * *');
  assert.deepEqual(reverifyScheduleOf(backups({ timezone: 'Asia/Tokyo' })), { cron: '0 5 * * *', timezone: 'Asia/Tokyo' });
  assert.equal(reverifyScheduleOf(backups({ verify: null })), null);
  assert.equal(reverifyScheduleOf(backups({}, false)), null);
});

test('the last slot, in the schedule time zone', () => {
  const now = new Date('2026-11-25T01:30:00Z'); // a Wednesday
  assert.equal(lastSlot({ cron: '0 2 * * *', timezone: 'UTC' }, now).toISOString(), '2026-11-24T02:00:00.000Z');
  // 02:00 in Berlin (UTC+1 in November) is 01:00 UTC: today's slot has just passed.
  assert.equal(lastSlot({ cron: '0 2 * * *', timezone: 'Europe/Berlin' }, now).toISOString(), '2026-11-25T01:00:00.000Z');
  assert.equal(lastSlot({ cron: '0 3 * * 0', timezone: 'UTC' }, now).toISOString(), '2026-11-22T03:00:00.000Z');
  assert.equal(lastSlot({ cron: '0 4 1 * *', timezone: 'UTC' }, now).toISOString(), '2026-11-01T04:00:00.000Z');
  assert.equal(lastSlot({ cron: '0 2 * * *', timezone: 'UTC' }, new Date('2026-11-24T02:00:00Z')).toISOString(), '2026-11-24T02:00:00.000Z', 'a slot exactly now is the last one');
});

test('a slot is taken by a backup of the same kind created at or after it', () => {
  const rec = (kind: BackupRecord['kind'], createdAt: string) => ({ kind, createdAt }) as BackupRecord;
  const slot = new Date('2026-11-24T02:00:00Z');
  assert.ok(slotTaken([rec('daily', '2026-11-24T02:00:03Z')], 'daily', slot));
  assert.ok(!slotTaken([rec('daily', '2026-11-23T02:00:03Z')], 'daily', slot));
  assert.ok(!slotTaken([rec('manual', '2026-11-24T09:00:00Z')], 'daily', slot), 'another kind does not count');
});
