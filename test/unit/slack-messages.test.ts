/**
 * The Slack Block Kit builders, pure: user and commit text cannot mention @channel or break the
 * layout, long input is cut to Slack's limits (checked by the same rules the emulator enforces),
 * the preview carries a confirm dialog and an ID-sized button value, and the operation message
 * folds events into a coloured checklist whose report is the truth.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeConfirm } from '../../src/slack/deploy-request.js';
import { deployPreviewMessage, problemMessage, releasesMessage, type DeployPreviewView } from '../../src/slack/messages/deploy-preview.js';
import { age, cut, escapeText } from '../../src/slack/messages/mrkdwn.js';
import { operationMessage, threadDetails } from '../../src/slack/messages/operation-message.js';
import { foldEvent, initialView } from '../../src/slack/messages/operation-view.js';
import type { OperationEvent } from '../../src/operations/service-report.js';
import { describeDatabaseRollback } from '../../src/domain/database-rollback-summary.js';
import type { DatabaseRollback, OperationReport } from '../../src/domain/operation-report.js';
import { checkMessage } from '../support/slack-emulator/slack-rules.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const sha = (c: string) => c.repeat(40);

function view(overrides: Partial<DeployPreviewView> = {}): DeployPreviewView {
  return {
    environment: 'production', ref: 'v1.1.0',
    current: { sha: sha('a'), tags: ['v1.0.0'], date: '2026-11-30T11:45:00Z' },
    target: { sha: sha('b'), tags: ['v1.1.0'], date: '2026-11-30T11:58:00Z' },
    commits: [{ sha: sha('b'), subject: 'add price', author: 'Bob', date: '2026-11-30T11:58:00Z' }],
    migrations: { known: false, why: '`/app/bin/migrate` in tasks decides', files: ['web/app/migrations/003_price.sql'] }, databaseOnFailure: 'restored from the pre-deploy backup',
    stages: ['preflight', 'fetch', 'up'], requestedBy: '@alice', lockHeldBy: null,
    confirmValue: encodeConfirm({ environment: 'production', ref: 'v1.1.0', fromSha: sha('a'), toSha: sha('b'), previewedAt: NOW.getTime() }),
    previewedAt: NOW, ...overrides,
  };
}

describe('mrkdwn safety', () => {
  test('broadcast mentions, user mentions and links are neutralised', () => {
    const out = escapeText('ping @channel @here @Everyone <!channel> <@U123> <https://x|y> & done');
    assert.doesNotMatch(out, /@(channel|here|everyone)\b/i);
    assert.doesNotMatch(out, /[<>]/);
    assert.match(out, /&amp; done/);
  });
  test('cut keeps at most the limit and marks the cut', () => {
    assert.equal(cut('abcdef', 4), 'abc…');
    assert.equal(cut('abc', 4), 'abc');
  });
  test('ages in words', () => {
    assert.equal(age('2026-11-30T11:45:00Z', NOW), '15 minutes ago');
    assert.equal(age('2026-11-29T12:00:00Z', NOW), '1 day ago');
  });
});

describe('deploy preview', () => {
  test('current → target with tags, SHAs and ages, commits, migrations, the database on failure, who asks; Deploy behind a confirm', () => {
    const m = deployPreviewMessage(view());
    const all = JSON.stringify(m);
    assert.match(all, /`v1\.0\.0` `aaaaaaa` \(15 minutes ago\) → `v1\.1\.0` `bbbbbbb` \(2 minutes ago\)/);
    assert.match(all, /Commits \(1\).*add price — Bob/);
    assert.match(all, /003_price\.sql/);
    assert.match(all, /If it fails:\* restored from the pre-deploy backup/);
    assert.match(all, /Asked by @alice/);
    const actions = m.blocks?.find((b) => b.type === 'actions') as unknown as { elements: Array<Record<string, unknown>> };
    const deploy = actions.elements[0]!;
    assert.equal(deploy.action_id, 'deploy_confirm');
    assert.ok(deploy.confirm, 'a confirmation dialog');
    assert.equal(actions.elements[1]!.action_id, 'deploy_cancel');
    assert.equal(checkMessage(m as never), null);
  });

  test('hostile commit subjects and many commits: escaped, "and N more", still within Slack limits', () => {
    const commits = Array.from({ length: 40 }, (_, i) => ({ sha: sha('c'), subject: `<!channel> fix ${i} ${'x'.repeat(5000)}`, author: '@here', date: '2026-11-30T11:00:00Z' }));
    const m = deployPreviewMessage(view({ commits, migrations: { known: false, why: 'x', files: Array.from({ length: 30 }, (_, i) => `m/${i}.sql`) } }));
    const all = JSON.stringify(m);
    assert.doesNotMatch(all, /<!channel>|@here\b/);
    assert.match(all, /…and 30 more/);
    assert.match(all, /…and 20 more/);
    assert.equal(checkMessage(m as never), null);
  });

  test('a held lock is said; release list marks what runs now; problems name the fix', () => {
    assert.match(JSON.stringify(deployPreviewMessage(view({ lockHeldBy: 'deploy v1.0.0 by @bob' }))), /lock held by deploy v1\.0\.0 by @bob/);
    const list = releasesMessage('production', [{ tag: 'v1.1.0', sha: sha('b'), date: '2026-11-30T11:00:00Z' }, { tag: 'v1.0.0', sha: sha('a'), date: '2026-11-29T11:00:00Z' }], sha('a'), NOW);
    assert.match(JSON.stringify(list), /`v1\.0\.0` `aaaaaaa` 1 day ago — \*running now\*/);
    const p = problemMessage('there is no environment "staging"', 'use one of: production');
    assert.match(p.text, /use one of: production/);
  });
});

describe('operation message', () => {
  const at = '2026-11-30T12:00:00Z';
  const events: OperationEvent[] = [
    { type: 'started', operationId: 'op1', environment: 'production', operation: 'deploy health-503', requestedBy: '@alice', source: 'slack', executor: 'h', at },
    { type: 'step_started', phase: 'deploy', name: 'preflight', at },
    { type: 'step_finished', phase: 'deploy', step: { name: 'preflight', outcome: 'ok', startedAt: at, durationMs: 120 } },
    { type: 'step_started', phase: 'deploy', name: 'health', at },
  ];

  test('while it runs: blue bar, finished stages with durations, the running one marked', () => {
    const v = events.reduce(foldEvent, initialView('op1', 'production', 'deploy health-503', '@alice'));
    const m = operationMessage(v);
    assert.equal(m.attachments?.[0]?.color, '#439FE0');
    const all = JSON.stringify(m);
    assert.match(all, /:white_check_mark: preflight — 120 ms/);
    assert.match(all, /:hourglass_flowing_sand: health — running…/);
    assert.match(all, /Asked by @alice via slack/);
    assert.equal(threadDetails(v), null);
  });

  test('the report decides the end: orange for rolled back, the reason in words, details for the thread', () => {
    const report: OperationEvent = {
      type: 'report', report: {
        id: 'op1', kind: 'deploy', environment: 'production', outcome: 'rolled_back', reason: 'health check: GET /health/ returned 503 <!channel>',
        stages: [{ name: 'preflight', outcome: 'ok', startedAt: at, durationMs: 120 }, { name: 'health', outcome: 'failed', startedAt: at, durationMs: 6000, reason: 'returned 503' }],
        rollback: [{ name: 'git_reset', outcome: 'ok', startedAt: at, durationMs: 50 }], preDeployBackup: 'backup_1.dump', startedAt: at, finishedAt: at,
      },
    };
    const v = [...events, report].reduce(foldEvent, initialView('op1', 'production', 'x', 'y'));
    const m = operationMessage(v);
    assert.equal(m.attachments?.[0]?.color, 'warning');
    const all = JSON.stringify(m);
    assert.match(all, /failed and rolled back/);
    assert.match(all, /:x: health — 6\.0 s/);
    assert.match(all, /\*Rollback\*\\n:white_check_mark: git_reset/);
    assert.match(all, /Why:\* health check: GET \/health\/ returned 503 &lt;!channel&gt;/);
    assert.doesNotMatch(m.text, /<!channel>/);
    const thread = JSON.stringify(threadDetails(v));
    assert.match(thread, /health \(failed\): returned 503/);
    assert.match(thread, /backup_1\.dump/);
    assert.equal(checkMessage(m as never), null);
  });

  test('a huge failure reason still fits: the message stays under Slack\'s block limits', () => {
    const reason = 'x'.repeat(50_000);
    const v = foldEvent(initialView('op', 'production', 'deploy v2', '@a'), { type: 'report', report: { id: 'op', kind: 'deploy', environment: 'production', outcome: 'rollback_failed', reason, stages: Array.from({ length: 200 }, (_, i) => ({ name: `s${i}`, outcome: 'ok' as const, startedAt: at, durationMs: 1 })), startedAt: at, finishedAt: at } });
    const m = operationMessage(v);
    assert.equal(m.attachments?.[0]?.color, 'danger');
    assert.equal(checkMessage(m as never), null);
    assert.equal(checkMessage(threadDetails(v) as never), null);
  });
});

describe('what the database got and the release the host is back on, from the report', () => {
  const at = '2026-11-30T12:00:00Z';
  const step = (name: string, durationMs = 40) => ({ name, outcome: 'ok' as const, startedAt: at, durationMs });
  const restoreSteps = [step('git_reset'), step('stop_new_services'), step('restore_database', 3100), step('start_previous_images'), step('health')];
  const rolledBack = (database: DatabaseRollback, live?: OperationReport['live']): OperationReport => ({
    id: 'op2', kind: 'deploy', environment: 'production', ref: 'health-503', previousSha: sha('a'), targetSha: sha('c'), outcome: 'rolled_back', reason: 'health check: 503',
    stages: [step('preflight'), { ...step('health'), outcome: 'failed', reason: 'returned 503' }], rollback: restoreSteps, preDeployBackup: 'backup_1.dump',
    database, ...(live ? { live } : {}), startedAt: at, finishedAt: at,
  });
  const ended = (report: OperationReport) => foldEvent(initialView('op2', 'production', 'deploy health-503', '@alice'), { type: 'report', report });
  const blockTexts = (m: unknown) => JSON.stringify(m);

  test('a kept database is "database kept" with a neutral mark, never a ✅ restore; the line says why; Back on is what the host runs', () => {
    const v = ended(rolledBack({ action: 'kept', why: 'no migration of this deploy changed it' }, { sha: sha('a'), tag: 'v1.0.0' }));
    const m = blockTexts(operationMessage(v));
    assert.match(m, /:white_circle: database kept — 3\.1 s/);
    assert.doesNotMatch(m, /restore_database/);
    assert.match(m, /\*Database:\* The database was kept as it is: no migration of this deploy changed it\./);
    const thread = blockTexts(threadDetails(v));
    assert.match(thread, /\*Database:\* The database was kept as it is/);
    assert.match(thread, /Back on: `v1\.0\.0` `aaaaaaaaaaaa` \(read from the host after the rollback\)/);
  });

  test('a restore with rows: the live line and the thread say the CLI\'s sentences; the thread lists every table and how to get the rows back', () => {
    const db: DatabaseRollback = {
      action: 'restored', backup: 'backup_1.dump', safetyBackup: 'safety_2.dump', how: 'dump restored', why: 'the deploy changed the database: the schema changed',
      rowsLost: { total: 25, byTable: { 'public.orders': 22, 'public.items': 3, 'public.empty': 0 }, since: '2026-11-30T11:59:00Z' }, keptIn: 'safety backup safety_2.dump',
    };
    const v = ended(rolledBack(db, { sha: sha('a') }));
    const m = operationMessage(v);
    const live = blockTexts(m);
    assert.match(live, /:white_check_mark: database restored — 3\.1 s/);
    assert.ok(live.includes(JSON.stringify(`*Database:* ${describeDatabaseRollback(db, 'deploy')}`).slice(1, -1)), 'the live line is the CLI\'s sentence');
    assert.match(live, /25 rows written or rewritten since the snapshot \(public\.orders 22, public\.items 3\) are not in it; they are in safety backup safety_2\.dump/);
    const thread = threadDetails(v)!;
    const text = blockTexts(thread);
    assert.match(text, /Rows written since the snapshot \(2026-11-30T11:59:00Z\) that the restored database does not have:\\n• `public\.orders`: 22 rows\\n• `public\.items`: 3 rows/);
    assert.doesNotMatch(text, /public\.empty/);
    assert.match(text, /ripcord backups restore safety_2\.dump --into NEW_DB/);
    assert.match(text, /Back on: `aaaaaaaaaaaa` \(read from the host/);
    assert.equal(checkMessage(m as never), null);
    assert.equal(checkMessage(thread as never), null);
  });

  test('rows that could not be counted are said so, never as a number; hundreds of tables still fit Slack\'s limits', () => {
    const uncounted = ended(rolledBack({ action: 'restored', backup: 'backup_1.dump', safetyBackup: 'safety_2.dump', how: null, rowsUncounted: 'the live database was replaced since the snapshot' }));
    const text = blockTexts(threadDetails(uncounted));
    assert.match(text, /The rows written since the snapshot cannot be counted: the live database was replaced since the snapshot/);
    assert.doesNotMatch(text, /\d+ rows? written|Rows written since/);
    const byTable = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`public.${'t'.repeat(50)}_${i}`, i + 1]));
    const many = ended(rolledBack({ action: 'restored', backup: 'b', safetyBackup: 's', how: null, rowsLost: { total: 80_200, byTable, since: at } }));
    assert.match(blockTexts(threadDetails(many)), /…and 370 more tables/);
    assert.equal(checkMessage(operationMessage(many) as never), null);
    assert.equal(checkMessage(threadDetails(many) as never), null);
  });

  test('a report without the host\'s release says it was not read, never the plan\'s SHA', () => {
    const thread = blockTexts(threadDetails(ended(rolledBack({ action: 'kept', why: 'x' }))));
    assert.match(thread, /Back on: not read from the host — `ripcord status --env production` shows what runs/);
    assert.doesNotMatch(thread, /aaaaaaaaaaaa/);
  });

  test('a failed rollback whose report has no database story stopped before its database step; any other outcome claims nothing', () => {
    const { database: _none, ...bare } = rolledBack({ action: 'kept', why: 'x' });
    const failed = ended({ ...bare, outcome: 'rollback_failed' });
    assert.match(blockTexts(operationMessage(failed)), /\*Database:\* The rollback stopped before its database step finished: the database was not put back\./);
    assert.match(blockTexts(threadDetails(failed)), /Checked out on the host now: not read from the host/);
    assert.doesNotMatch(blockTexts(operationMessage(ended(bare))), /Database:/);
  });
});

describe('the database step while the rollback still runs', () => {
  const at = '2026-11-30T12:00:00Z';
  test('a restore step that kept the database shows as kept as soon as it finished, before the report', () => {
    const events: OperationEvent[] = [
      { type: 'step_started', phase: 'rollback', name: 'restore_database', at },
      { type: 'step_finished', phase: 'rollback', step: { name: 'restore_database', outcome: 'ok', startedAt: at, durationMs: 900, kept: 'no migration of this deploy changed it' } },
      { type: 'step_started', phase: 'rollback', name: 'health', at },
    ];
    const all = JSON.stringify(operationMessage(events.reduce(foldEvent, initialView('op', 'production', 'deploy v2', '@a'))));
    assert.match(all, /:white_circle: database kept — 900 ms/);
    assert.doesNotMatch(all, /:white_check_mark: restore_database/);
  });
});
