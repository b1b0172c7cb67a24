/** What a rollback did to the database, read from its journal's steps, decision and plan, and how it is said. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { databaseRollbackOf, describeDatabaseRollback } from '../../src/domain/database-rollback-summary.js';
import type { StepRun } from '../../src/domain/journal-facts.js';
import type { RollbackStep } from '../../src/domain/rollback-plan.js';
import { MANUAL_PLAN_FACT } from '../../src/domain/manual-rollback.js';

const restore: RollbackStep = { kind: 'restore_database', strategy: 'dump_restore', backup: 'predeploy_backup_x.dump' };
const reset: RollbackStep = { kind: 'git_reset', sha: 'a'.repeat(40) };
const run = (outcome: 'ok' | 'failed', evidence?: Record<string, unknown>): StepRun =>
  ({ step: 'restore_database', startedAt: 't', finishedAt: 't', outcome, ...(evidence ? { evidence } : {}) });
const journal = (steps: StepRun[], facts: Record<string, unknown> = {}) => ({ steps, safetyBackup: null, facts });
const decision = { restore: true, why: 'the deploy changed the database: the schema changed', rowsWritten: { 'public.orders': 22, 'public.items': 0 }, snapshotAt: '2026-11-30T06:00:00Z' };

test('no restore step in the plan: untouched', () => {
  assert.deepEqual(databaseRollbackOf(journal([]), { steps: [reset] }), { action: 'untouched' });
});

test('the restore step decided nothing had to go back: kept, with why', () => {
  assert.deepEqual(databaseRollbackOf(journal([run('ok', { restored: null, kept: 'no migration changed it' })]), { steps: [reset, restore] }),
    { action: 'kept', why: 'no migration changed it' });
});

test('the restore step put the backup back: restored, with the safety dump', () => {
  assert.deepEqual(databaseRollbackOf(journal([run('ok', { how: 'dump restored', safetyBackup: 'safety_backup_y.dump' })]), { steps: [restore] }),
    { action: 'restored', backup: 'predeploy_backup_x.dump', safetyBackup: 'safety_backup_y.dump', how: 'dump restored', keptIn: 'safety backup safety_backup_y.dump' });
});

test('a restore names why, the rows it took away per table, where they are, and how to get them back', () => {
  const db = databaseRollbackOf(journal([run('ok', { how: 'dump restored', safetyBackup: 'safety_x.dump' })], { databaseRestore: decision }), { steps: [restore] })!;
  assert.equal(db.action, 'restored');
  assert.deepEqual(db.action === 'restored' && db.rowsLost, { total: 22, byTable: decision.rowsWritten, since: decision.snapshotAt });
  const text = describeDatabaseRollback(db, 'deploy');
  assert.match(text, /because the deploy changed the database: the schema changed/);
  assert.match(text, /22 rows written or rewritten since the snapshot \(public\.orders 22\) are not in it; they are in safety backup safety_x\.dump/);
  assert.match(text, /ripcord backups restore safety_x\.dump --into NEW_DB/);
});

test('clone_swap before its settle step: the failed copy is where the rows are', () => {
  const facts = { databaseRestore: { ...decision, rowsWritten: { 'public.orders': 0 } }, databaseFailedCopy: 'app__ripcord_failed_ab' };
  const text = describeDatabaseRollback(databaseRollbackOf(journal([run('ok', { how: 'clone swapped in' })], facts), { steps: [restore] })!, 'deploy');
  assert.match(text, /No rows were written or rewritten since the snapshot \(deletions cannot be counted\)\. .*database app__ripcord_failed_ab/);
  assert.doesNotMatch(text, /nothing .* was lost/, 'a zero count says nothing of deleted rows');
});

test('rows that could not be counted are said to be uncountable, with why and where they are kept, never as a number', () => {
  const why = 'the live database is not the one the snapshot was taken of: a restore or a swap has replaced it since, so every row in it looks newly written';
  const facts = { databaseRestore: { restore: true, why: 'the rollback plan restores predeploy_backup_x.dump', rowsUncounted: why, snapshotAt: '2026-11-30T06:00:00Z' } };
  const db = databaseRollbackOf(journal([run('ok', { how: 'dump restored', safetyBackup: 'safety_x.dump' })], facts), { steps: [restore] })!;
  assert.equal(db.action === 'restored' && db.rowsUncounted, why);
  assert.equal(db.action === 'restored' && db.rowsLost, undefined);
  const text = describeDatabaseRollback(db, 'deploy');
  assert.match(text, /The rows written since the snapshot cannot be counted: the live database is not the one the snapshot was taken of/);
  assert.match(text, /The database as it was before this rollback, with all of them, is kept in safety backup safety_x\.dump\./);
  assert.match(text, /ripcord backups restore safety_x\.dump --into NEW_DB/);
  assert.doesNotMatch(text, /\d+ rows? written/);
});

test('a failed restore is not_restored and says the database still has the failed release\'s changes; a step that never finished claims nothing', () => {
  const db = databaseRollbackOf(journal([run('failed')], { databaseRestore: decision }), { steps: [restore] })!;
  assert.deepEqual(db, { action: 'not_restored', why: decision.why });
  assert.match(describeDatabaseRollback(db, 'deploy'), /NOT restored.*still has the failed release's changes/);
  assert.equal(databaseRollbackOf(journal([]), { steps: [restore] }), undefined);
});

describe('a manual rollback is worded as one, never as a deploy', () => {
  test('a quick rollback that left the database alone says it was kept, and why (the plan\'s reason), never that a deploy failed', () => {
    const why = 'the schema is the same as in backup_1.dump: the database is kept, with every row written since';
    const db = databaseRollbackOf(journal([], { [MANUAL_PLAN_FACT]: { steps: [reset], databaseReason: why } }), { steps: [reset] })!;
    assert.deepEqual(db, { action: 'untouched', why });
    const text = describeDatabaseRollback(db, 'rollback');
    assert.equal(text, `The database was kept: ${why}.`);
    assert.doesNotMatch(text, /deploy/);
  });

  test('a code-only rollback with no reason says the database was not part of it', () => {
    const text = describeDatabaseRollback({ action: 'untouched' }, 'rollback');
    assert.match(text, /^The database was not part of this rollback/);
    assert.doesNotMatch(text, /deploy/);
    assert.match(describeDatabaseRollback({ action: 'untouched' }, 'deploy'), /the deploy failed before any stage that can change it ran/);
  });

  test('a restore from a chosen backup names the backup, the rows and where they are, as the state before this rollback', () => {
    const db = databaseRollbackOf(journal([run('ok', { how: 'dump restored', safetyBackup: 'safety_x.dump' })], { databaseRestore: { ...decision, rowsWritten: { 'public.orders': 0 } } }), { steps: [restore] })!;
    const text = describeDatabaseRollback(db, 'rollback');
    assert.match(text, /^The database was restored from backup predeploy_backup_x\.dump, because/);
    assert.match(text, /The database as it was before this rollback is kept in safety backup safety_x\.dump\./);
    assert.doesNotMatch(text, /pre-deploy backup|as the deploy left it/);
  });

  test('a failed restore in a manual rollback does not speak of a failed release', () => {
    const text = describeDatabaseRollback({ action: 'not_restored', why: 'pg_restore failed' }, 'rollback');
    assert.match(text, /NOT put back \(pg_restore failed\): it is as the failed step left it/);
    assert.doesNotMatch(text, /failed release/);
  });

  test('a Level 2 reversal migration is said as one, with its safety backup; a failed one is not_restored', () => {
    const schema: RollbackStep = { kind: 'schema_command', command: { service: 'web', command: 'migrate shop 0041' }, targetSha: 'a'.repeat(40) };
    const ok: StepRun = { step: 'schema_command', startedAt: 't', finishedAt: 't', outcome: 'ok' };
    const db = databaseRollbackOf({ steps: [ok], safetyBackup: 'safety_2.dump', facts: {} }, { steps: [schema] })!;
    assert.deepEqual(db, { action: 'reversed', command: 'migrate shop 0041', safetyBackup: 'safety_2.dump' });
    assert.match(describeDatabaseRollback(db, 'rollback'), /schema was reversed by `migrate shop 0041`; the database as it was before is kept in safety backup safety_2\.dump/);
    const failed = databaseRollbackOf({ steps: [{ ...ok, outcome: 'failed', reason: 'exit 1' }], safetyBackup: null, facts: {} }, { steps: [schema] });
    assert.deepEqual(failed, { action: 'not_restored', why: 'the reversal migration `migrate shop 0041` failed: exit 1' });
  });
});
