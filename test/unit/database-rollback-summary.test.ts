/** What a rollback did to the database, read from its journal's steps and its plan. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseRollbackOf } from '../../src/domain/database-rollback-summary.js';
import type { StepRun } from '../../src/domain/journal-facts.js';
import type { RollbackStep } from '../../src/domain/rollback-plan.js';

const restore: RollbackStep = { kind: 'restore_database', strategy: 'dump_restore', backup: 'predeploy_backup_x.dump' };
const reset: RollbackStep = { kind: 'git_reset', sha: 'a'.repeat(40) };
const run = (outcome: 'ok' | 'failed', evidence?: Record<string, unknown>): StepRun =>
  ({ step: 'restore_database', startedAt: 't', finishedAt: 't', outcome, ...(evidence ? { evidence } : {}) });

test('no restore step in the plan: untouched', () => {
  assert.deepEqual(databaseRollbackOf({ steps: [], safetyBackup: null }, { steps: [reset] }), { action: 'untouched' });
});

test('the restore step found nothing to put back: kept, with why', () => {
  assert.deepEqual(databaseRollbackOf({ steps: [run('ok', { restored: null, skipped: 'nothing was written' })], safetyBackup: null }, { steps: [reset, restore] }),
    { action: 'kept', why: 'nothing was written' });
});

test('the restore step put the backup back: restored, with the safety dump', () => {
  assert.deepEqual(databaseRollbackOf({ steps: [run('ok', { how: 'dump restored', safetyBackup: 'safety_backup_y.dump' })], safetyBackup: null }, { steps: [restore] }),
    { action: 'restored', backup: 'predeploy_backup_x.dump', safetyBackup: 'safety_backup_y.dump', how: 'dump restored' });
});

test('the restore step failed or never ran: nothing is claimed', () => {
  assert.equal(databaseRollbackOf({ steps: [run('failed')], safetyBackup: null }, { steps: [restore] }), undefined);
  assert.equal(databaseRollbackOf({ steps: [], safetyBackup: null }, { steps: [restore] }), undefined);
});
