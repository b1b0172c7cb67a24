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
