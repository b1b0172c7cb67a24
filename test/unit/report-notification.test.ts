/** An operation's report as the notification people get: level, title, reason in words, facts. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OperationReport, Outcome } from '../../src/domain/operation-report.js';
import { levelOfReport, notificationFromReport } from '../../src/notify/report-notification.js';
import { summarize } from '../../src/cli/progress.js';
import { operationMessage } from '../../src/slack/messages/operation-message.js';
import { foldEvent, initialView } from '../../src/slack/messages/operation-view.js';

const PREV = 'abc123def4567890abc123def4567890abc12345';
const TARGET = 'fed987cba6543210fed987cba6543210fed98765';

function report(outcome: Outcome, over: Partial<OperationReport> = {}): OperationReport {
  return {
    id: 'd-1', kind: 'deploy', environment: 'production', ref: 'v1.0.4', previousSha: PREV, targetSha: TARGET, outcome,
    stages: [], preDeployBackup: 'predeploy_backup_20261125_030000.dump',
    startedAt: '2026-11-25T03:00:00.000Z', finishedAt: '2026-11-25T03:01:30.500Z', ...over,
  };
}

describe('report → notification', () => {
  test('levels per kind and outcome', () => {
    const deploy: Record<Outcome, string> = { succeeded: 'SUCCESS', rolled_back: 'ROLLBACK_SUCCESS', rollback_failed: 'ROLLBACK_FAILED', refused: 'WARNING', failed: 'ERROR' };
    const rollback: Record<Outcome, string> = { succeeded: 'ROLLBACK_SUCCESS', rolled_back: 'ERROR', rollback_failed: 'ROLLBACK_FAILED', refused: 'WARNING', failed: 'ERROR' };
    for (const [outcome, level] of Object.entries(deploy)) assert.equal(levelOfReport({ kind: 'deploy', outcome: outcome as Outcome }), level);
    for (const [outcome, level] of Object.entries(rollback)) assert.equal(levelOfReport({ kind: 'rollback', outcome: outcome as Outcome }), level);
  });

  test('succeeded: what runs now, ids, both SHAs, the backup and the duration', () => {
    const n = notificationFromReport(report('succeeded'));
    assert.equal(n.level, 'SUCCESS');
    assert.equal(n.title, 'Deployed v1.0.4 to production');
    assert.equal(n.text, 'production runs v1.0.4 (fed987cba654).');
    assert.equal(n.environment, 'production');
    assert.equal(n.deploymentId, 'd-1');
    assert.deepEqual(n.fields, { ref: 'v1.0.4', previous: PREV, target: TARGET, backup: 'predeploy_backup_20261125_030000.dump', duration: '90.5 s' });
    assert.equal(n.at.toISOString(), '2026-11-25T03:01:30.500Z');
  });

  test('rolled back: the reason in words and that the previous release runs again', () => {
    const n = notificationFromReport(report('rolled_back', {
      reason: 'health check: GET /health/ returned 503 5 times (expected 200)',
      stages: [{ name: 'health', outcome: 'failed', startedAt: '', durationMs: 1, reason: 'HTTP 503' }],
      rollback: [{ name: 'git_reset', outcome: 'ok', startedAt: '', durationMs: 1 }],
    }));
    assert.equal(n.level, 'ROLLBACK_SUCCESS');
    assert.equal(n.title, 'Deploy of v1.0.4 to production failed and was rolled back to abc123def456');
    assert.match(n.text, /^Reason: health check: GET \/health\/ returned 503 5 times \(expected 200\)$/m);
    assert.match(n.text, /production runs abc123def456 again/);
    assert.doesNotMatch(n.text, /Failed at: health/, 'the reason already names the stage');
  });

  test('rolled back: says what the rollback did to the database, from the report, never more', () => {
    const text = (database?: OperationReport['database']) => notificationFromReport(report('rolled_back', { reason: 'build: failed', ...(database ? { database } : {}) })).text;
    assert.doesNotMatch(text(), /database/, 'a report that does not say, is not guessed at');
    assert.doesNotMatch(text({ action: 'untouched' }), /as it was before the deploy|restored|put back/);
    assert.match(text({ action: 'untouched' }), /The database was not touched: the deploy failed before any stage that can change it ran\./);
    assert.match(text({ action: 'kept', why: 'no migration changed the schema or the migrations table' }),
      /The database was kept as it is: no migration changed the schema or the migrations table\./);
    const restored = text({ action: 'restored', backup: 'predeploy_backup_x.dump', safetyBackup: 'safety_backup_y.dump', how: 'dump restored' });
    assert.match(restored, /The database was put back to the pre-deploy backup predeploy_backup_x\.dump\. The database as the deploy left it is kept in safety backup safety_backup_y\.dump\./);
    const lost = text({ action: 'restored', backup: 'p.dump', safetyBackup: 's.dump', how: null, why: 'the schema changed', rowsLost: { total: 3, byTable: { 'public.orders': 3 }, since: 't' } });
    assert.match(lost, /because the schema changed\. 3 rows written or rewritten since the snapshot \(public\.orders 3\) are not in it; they are in safety backup s\.dump\./);
    assert.match(text({ action: 'not_restored', why: 'the schema changed' }), /NOT restored \(the schema changed\): it still has the failed release's changes/);
    assert.equal(notificationFromReport(report('rolled_back', { database: { action: 'restored', backup: 'predeploy_backup_x.dump', safetyBackup: null, how: null } })).fields?.restored, 'predeploy_backup_x.dump');
    assert.equal(notificationFromReport(report('rolled_back', { database: { action: 'kept', why: 'x' } })).fields?.restored, undefined);
  });

  test("the rollback's warnings are in the text", () => {
    const n = notificationFromReport(report('rolled_back', { warnings: ['no image was recorded for worker: it is rebuilt from the previous code'] }));
    assert.match(n.text, /^Warning: no image was recorded for worker: it is rebuilt from the previous code$/m);
  });

  test('rollback failed: which step, and what to do now', () => {
    const n = notificationFromReport(report('rollback_failed', {
      reason: 'migrate failed; rollback failed: restore_database: pg_restore exited 1',
      stages: [{ name: 'migrate', outcome: 'failed', startedAt: '', durationMs: 1 }],
      rollback: [{ name: 'restore_database', outcome: 'failed', startedAt: '', durationMs: 1, reason: 'pg_restore exited 1' }],
    }));
    assert.equal(n.level, 'ROLLBACK_FAILED');
    assert.match(n.title, /ROLLBACK FAILED: the host needs a person now/);
    assert.match(n.text, /^Rollback failed at: restore_database \(pg_restore exited 1\)$/m);
    assert.match(n.text, /Act now: run `ripcord status --env production`, restore predeploy_backup_20261125_030000\.dump if the data is wrong/);
  });

  test('refused before a journal existed: a warning, no deployment id', () => {
    const n = notificationFromReport(report('refused', { id: '-', previousSha: undefined, targetSha: undefined, preDeployBackup: undefined, reason: 'production is locked by deploy v1.0.3' }));
    assert.equal(n.level, 'WARNING');
    assert.equal(n.title, 'Deploy of v1.0.4 to production refused: nothing changed');
    assert.equal(n.deploymentId, undefined);
    assert.deepEqual(Object.keys(n.fields ?? {}), ['ref', 'duration']);
  });

  test('failed with automatic rollback off says how to roll back', () => {
    const n = notificationFromReport(report('failed', { reason: 'build failed (automatic rollback is off: ROLLBACK_ENABLED/AUTO_ROLLBACK)' }));
    assert.equal(n.level, 'ERROR');
    assert.match(n.text, /roll back by hand with `ripcord rollback`/);
  });

  test('a manual rollback names the backup it restored and the safety dump', () => {
    const n = notificationFromReport({ ...report('succeeded', { kind: 'rollback', ref: 'v1.0.3', targetSha: PREV, previousSha: TARGET }), restoredBackup: 'daily_backup_x.dump', safetyBackup: 'safety_backup_y.dump' });
    assert.equal(n.level, 'ROLLBACK_SUCCESS');
    assert.equal(n.title, 'Rolled back production to v1.0.3 (abc123def456)');
    assert.equal(n.text, 'production runs v1.0.3 (abc123def456). The database was restored from daily_backup_x.dump (safety dump taken first: safety_backup_y.dump).');
    assert.equal(notificationFromReport(report('succeeded', { kind: 'rollback', ref: PREV.slice(0, 12), targetSha: PREV })).title, 'Rolled back production to abc123def456');
    assert.equal(n.fields?.restored, 'daily_backup_x.dump');
    assert.equal(n.fields?.safety, 'safety_backup_y.dump');
  });
});

describe('one report, the same words in the notification, the terminal and Slack', () => {
  const why = 'the schema is the same as in backup_1.dump: the database is kept, with every row written since';
  const quick = report('succeeded', { kind: 'rollback', ref: 'v1.0.0', previousSha: TARGET, targetSha: PREV, database: { action: 'untouched', why }, live: { sha: PREV, tag: 'v1.0.0' } });

  test('a manual rollback: back on the release read from the host, the database kept in a manual rollback\'s words', () => {
    const n = notificationFromReport(quick);
    assert.equal(n.title, 'Rolled back production to v1.0.0 (abc123def456)');
    assert.equal(n.text, `production runs v1.0.0 (abc123def456). The database was kept: ${why}.`);
    assert.doesNotMatch(n.text, /deploy/);
    const terminal = summarize(quick);
    assert.match(terminal[0]!, /^rolled back production to v1\.0\.0 \(abc123def456\) in /);
    assert.ok(terminal.includes(`database: The database was kept: ${why}.`));
    const slack = JSON.stringify(operationMessage(foldEvent(initialView('d-1', 'production', 'rollback quick', '@a'), { type: 'report', report: quick })));
    assert.ok(slack.includes(`The database was kept: ${why}.`));
  });

  test('a deploy rolled back: the release the host is back on comes from the report\'s live release, not the SHA recorded before', () => {
    const n = notificationFromReport(report('rolled_back', { live: { sha: TARGET } }));
    assert.match(n.title, /rolled back to fed987cba654$/);
    assert.match(n.text, /production runs fed987cba654 again\./);
    assert.match(summarize(report('rolled_back', { live: { sha: TARGET } }))[0]!, /^FAILED and rolled back production to fed987cba654 in/);
  });
});
