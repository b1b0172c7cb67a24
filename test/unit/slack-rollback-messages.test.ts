/**
 * The Block Kit builders of rollbacks, backups, the modal, the Home tab, usage and confirm
 * outcomes, pure: what they say, the danger styling and confirm dialogs, user text escaped, and
 * every message and view within Slack's limits (checked by the same rules the emulator enforces).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EnvironmentStatus } from '../../src/executor/environment-status.js';
import type { ManualRollbackPlan } from '../../src/domain/manual-rollback.js';
import { MAX_BLOCKS_PER_VIEW, MAX_BUTTON_VALUE_CHARS, MAX_MODAL_TITLE_CHARS } from '../../src/slack/limits.js';
import { backupsListMessage, restorePreviewMessage } from '../../src/slack/messages/backups-message.js';
import { staleMessage, submittedMessage, submittedText } from '../../src/slack/messages/confirm-outcome.js';
import { homeView, type HomeEnvironment } from '../../src/slack/messages/home-view.js';
import { decodeModalMetadata, encodeModalMetadata, readModalAnswers, rollbackModal } from '../../src/slack/messages/rollback-modal.js';
import { rollbackPreviewMessage, rollbackPreviewModal, type RollbackPreviewView } from '../../src/slack/messages/rollback-preview.js';
import { backupsUsage, rollbackUsage } from '../../src/slack/messages/usage.js';
import { doneModal, modal, problemModal, workingModal } from '../../src/slack/messages/views.js';
import { encodeRollbackConfirm } from '../../src/slack/rollback-request.js';
import { checkMessage, checkView } from '../support/slack-emulator/slack-rules.js';
import type { DatabaseRollback, OperationReport } from '../../src/domain/operation-report.js';
import { operationMessage, threadDetails } from '../../src/slack/messages/operation-message.js';
import { foldEvent, initialView } from '../../src/slack/messages/operation-view.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const sha = (c: string) => c.repeat(40);
type Obj = Record<string, unknown>;
const json = (x: unknown) => JSON.stringify(x);
const buttons = (blocks: unknown): Obj[] => (blocks as Obj[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Obj[]);

function plan(overrides: Partial<ManualRollbackPlan> = {}): ManualRollbackPlan {
  return {
    kind: 'manual_rollback', request: { kind: 'quick', database: 'auto' }, level: 3, environment: 'production', fromSha: sha('b'), toSha: sha('a'), toRef: 'v1.0.0',
    backup: { name: 'backup_20261130_114500.dump', kind: 'predeploy', createdAt: '2026-11-30T11:45:00Z', verified: true, releaseSha: sha('a') },
    steps: [{ kind: 'git_reset', sha: sha('a') }, { kind: 'stop_new_services' }, { kind: 'restore_database', strategy: 'dump_restore', backup: 'backup_20261130_114500.dump' }, { kind: 'health' }],
    warnings: [], databaseReason: 'the schema changed since backup_20261130_114500.dump: the database is restored from it', ...overrides,
  };
}

function preview(overrides: Partial<RollbackPreviewView> = {}): RollbackPreviewView {
  const p = overrides.plan ?? plan();
  return {
    environment: 'production', plan: p, labels: { [sha('a')]: 'v1.0.0 aaaaaaa', [sha('b')]: 'v1.1.0 bbbbbbb' }, requestedBy: '@alice', lockHeldBy: null,
    confirmValue: encodeRollbackConfirm({ environment: 'production', choice: p.request, fromSha: p.fromSha, toSha: p.toSha, backup: p.backup?.name ?? null, previewedAt: NOW.getTime() }),
    previewedAt: NOW, ...overrides,
  };
}

describe('the rollback preview', () => {
  test('from → to, the database restored and why, steps, a danger-styled Roll back behind a danger confirm dialog, and Cancel', () => {
    const m = rollbackPreviewMessage(preview());
    const text = json(m.blocks);
    assert.match(text, /Quick rollback of production\?\* \(Level 3: code and database\)\\n`v1\.1\.0 bbbbbbb` → `v1\.0\.0 aaaaaaa`/);
    assert.match(text, /Database: restored\* from `backup_20261130_114500\.dump` \(predeploy, taken 15 minutes ago, verified\); a safety backup/);
    assert.match(text, /_Why:_ the schema changed since backup_20261130_114500\.dump/);
    assert.match(text, /1\. git_reset/);
    const named = plan({ backup: { ...plan().backup!, database: 'shop' } });
    assert.match(json(rollbackPreviewMessage(preview({ plan: named })).blocks), /\(predeploy, holds database `shop`, taken 15 minutes ago, verified\)/, 'the preview names the database the backup holds');
    const [roll, cancel] = buttons(m.blocks);
    assert.equal(roll?.style, 'danger');
    assert.equal((roll?.confirm as Obj).style, 'danger');
    assert.match(json(roll?.confirm), /Roll \*production\* back to `v1\.0\.0 aaaaaaa` and replace the database with `backup_20261130_114500\.dump`/);
    assert.ok(String(roll?.value).length <= MAX_BUTTON_VALUE_CHARS);
    assert.equal(cancel?.action_id, 'preview_cancel');
    assert.match(m.text, /database restored from backup_20261130_114500\.dump/);
    assert.equal(checkMessage({ ...m }), null);
  });
  test('a kept database says so and why; the lock holder is named; warnings and user text cannot notify or link', () => {
    const kept = plan({ backup: null, level: 1, databaseReason: 'the schema is the same as in backup_x.dump: the database is kept, with every row written since', warnings: ['ref <https://evil|click> @channel never ran'] });
    const text = json(rollbackPreviewMessage(preview({ plan: kept, lockHeldBy: 'deploy v2 by @bob via cli, since 3 minutes ago', requestedBy: '@here' })).blocks);
    assert.match(text, /Database: kept\* as it is[^"]*_Why:_ the schema is the same/);
    assert.match(text, /lock held by deploy v2 by @bob via cli, since 3 minutes ago — this waits until it is free/);
    assert.doesNotMatch(text, /<https|@channel|@here/);
  });
  test('code that stays (a backup-only rollback) and the modal version within the modal rules', () => {
    const restoreOnly = plan({ request: { kind: 'backup', backup: 'b.dump' }, toSha: sha('b'), toRef: null });
    assert.match(json(rollbackPreviewMessage(preview({ plan: restoreOnly })).blocks), /Restore the database of production\?[^"]*Code stays at `v1\.1\.0 bbbbbbb`/);
    const v = rollbackPreviewModal(preview(), encodeModalMetadata({ environment: 'production', channelId: 'C1' }));
    assert.equal(checkView(v), null);
    assert.equal(v.submit, undefined, 'the confirm is the danger button inside, not the modal submit');
  });
});

describe('the rollback modal', () => {
  const releases = Array.from({ length: 40 }, (_, i) => ({ sha: String(i).padStart(2, '0').repeat(20), tags: [`v1.${i}.0`], liveSince: '2026-11-29T12:00:00Z', liveUntil: '2026-11-30T11:00:00Z' }));
  const backups = Array.from({ length: 40 }, (_, i) => ({ name: `backup_20261130_1${String(i).padStart(5, '0')}.dump`, kind: i % 2 ? 'daily' : 'predeploy', createdAt: '2026-11-30T10:00:00Z', sizeBytes: 1000, verified: i % 2 === 0, releaseSha: null }));
  const base = { environment: 'production', current: { sha: sha('b'), tags: ['v1.1.0'] }, now: NOW, privateMetadata: encodeModalMetadata({ environment: 'production', channelId: 'C1' }) };
  test('kinds, a release picker with ages, a backup picker with kind, age and verified, a level; within the modal rules', () => {
    const v = rollbackModal({ ...base, releases, backups });
    assert.equal(checkView(v), null);
    const text = json(v);
    assert.match(text, /production\* runs `v1\.1\.0` `bbbbbbb` now/);
    assert.match(text, /"text":"v1\.0\.0 0000000 — live until 1 hour ago","emoji":true\},"value":"0{40}"/);
    assert.match(text, /backup_20261130_100000\.dump — predeploy, 2 hours ago, verified/);
    assert.match(text, /backup_20261130_100001\.dump — daily, 2 hours ago, not verified/);
    assert.match(text, /Level 3: code \+ database restore/);
    const selects = (v.blocks as Obj[]).filter((b) => (b.element as Obj | undefined)?.type === 'static_select');
    assert.equal(((selects[0]!.element as Obj).options as unknown[]).length, 25, 'at most 25 releases');
    assert.equal(v.callback_id, 'rollback_modal');
    assert.equal(v.submit?.text, 'Preview');
  });
  test('no other release and no backups: words instead of empty pickers (Slack refuses a select without options)', () => {
    const v = rollbackModal({ ...base, releases: [], backups: [] });
    assert.equal(checkView(v), null);
    assert.match(json(v), /No other release has run here yet[^]*No backups of production yet/);
  });
  test('a corrupt backup shows CORRUPT in the picker, up front where the 75-character cut cannot hide it', () => {
    const corrupt = { ...backups[0]!, verified: false, corrupt: 'size is 10 bytes, the manifest says 1000' };
    const v = rollbackModal({ ...base, releases, backups: [corrupt, backups[1]!] });
    assert.equal(checkView(v), null);
    assert.match(json(v), /"text":"backup_20261130_100000\.dump — CORRUPT, predeploy, 2 hours ago"/);
    assert.doesNotMatch(json(v), /100000\.dump[^"]*verified/);
  });
  test('a long environment name is cut to the title limit', () => {
    const v = rollbackModal({ ...base, environment: 'a-very-long-environment-name', releases, backups });
    assert.ok(v.title.text.length <= MAX_MODAL_TITLE_CHARS);
    assert.equal(checkView(v), null);
  });
  test('Slack\'s state values read back as answers; the metadata round-trips', () => {
    assert.deepEqual(readModalAnswers({ kind: { kind: { type: 'radio_buttons', selected_option: { value: 'commit' } } }, release: { release: { selected_option: { value: sha('a') } } }, backup: { backup: { selected_option: null } } }),
      { kind: 'commit', releaseSha: sha('a'), backup: null, level: null });
    assert.deepEqual(readModalAnswers(undefined), { kind: null, releaseSha: null, backup: null, level: null });
    assert.deepEqual(decodeModalMetadata(encodeModalMetadata({ environment: 'production', channelId: null })), { environment: 'production', channelId: null });
  });
});

describe('backups', () => {
  const b = (i: number, verified = true) => ({ name: `backup_20261130_1${String(i).padStart(5, '0')}.dump`, kind: 'daily', createdAt: '2026-11-30T11:00:00Z', sizeBytes: 3 * 1024 * 1024, verified, releaseSha: null });
  test('the list: newest first with kind, size, age, verified; long lists cut with a count; none says how to take one', () => {
    const m = backupsListMessage('production', [b(1), b(2, false), ...Array.from({ length: 30 }, (_, i) => b(i + 3))], NOW);
    assert.equal(checkMessage({ ...m }), null);
    assert.match(json(m.blocks), /• `backup_20261130_100001\.dump` daily, 3\.0 MiB, 1 hour ago, :white_check_mark: verified\\n• `backup_20261130_100002\.dump` daily, 3\.0 MiB, 1 hour ago, :grey_question: not verified/);
    assert.match(json(m.blocks), /…and 12 older/);
    assert.match(json(backupsListMessage('production', [], NOW).blocks), /No backups of \*production\* yet\. Take one: `\/backups create production`/);
  });
  test('a corrupt backup is listed as corrupt with its reason, never as verified', () => {
    const corrupt = { ...b(1), verified: false, corrupt: 'failed verification at 2026-11-30T05:00:00Z: sha256 ab12… does not match the manifest\'s cd34… <@U1>' };
    const m = backupsListMessage('production', [corrupt, b(2)], NOW);
    assert.equal(checkMessage({ ...m }), null);
    const text = json(m.blocks);
    assert.match(text, /• `backup_20261130_100001\.dump` daily, 3\.0 MiB, 1 hour ago, :x: \*corrupt\*: failed verification at 2026-11-30T05:00:00Z: sha256 ab12… does not match the manifest's cd34… &lt;@U1&gt;\\n/);
    assert.match(text, /100002\.dump` daily, 3\.0 MiB, 1 hour ago, :white_check_mark: verified/);
  });
  test('the restore preview of a corrupt backup says why and where the good ones are, with no Restore button', () => {
    const m = restorePreviewMessage({ environment: 'production', backup: { ...b(1), verified: false, corrupt: 'size is 10 bytes, the manifest says 3145728' }, requestedBy: '@alice', lockHeldBy: null, confirmValue: '{}', previewedAt: NOW });
    assert.equal(checkMessage({ ...m }), null);
    const text = json(m.blocks);
    assert.match(text, /:x: \*`backup_20261130_100001\.dump` is corrupt\*: size is 10 bytes, the manifest says 3145728\\nIt cannot be restored\. Pick one shown as verified in `\/backups list production`/);
    assert.deepEqual(buttons(m.blocks).map((x) => x.action_id), ['preview_cancel']);
  });
  test('the restore preview: what goes back and the safety backup, a danger Restore behind a confirm dialog; unverified is warned', () => {
    const m = restorePreviewMessage({ environment: 'production', backup: b(1, false), requestedBy: '@alice', lockHeldBy: null, confirmValue: '{}', previewedAt: NOW });
    assert.equal(checkMessage({ ...m }), null);
    const text = json(m.blocks);
    assert.match(text, /Restore production's database from `backup_20261130_100001\.dump`\?\*\\ndaily, taken 1 hour ago, 3\.0 MiB, NOT verified yet/);
    assert.match(text, /safety backup of the current database is taken first/);
    assert.match(text, /never verified/);
    const named = restorePreviewMessage({ environment: 'production', backup: { ...b(1), database: 'postgres' }, requestedBy: '@alice', lockHeldBy: null, confirmValue: '{}', previewedAt: NOW });
    assert.match(json(named.blocks), /daily, holds database `postgres`, taken 1 hour ago/, 'the restore preview names the database the backup holds');
    const [restore] = buttons(m.blocks);
    assert.equal(restore?.style, 'danger');
    assert.equal((restore?.confirm as Obj).style, 'danger');
  });
});

describe('the Home tab', () => {
  const status = (environment: string, overrides: Partial<EnvironmentStatus> = {}): EnvironmentStatus => ({
    environment, release: { sha: sha('a'), tags: ['v1.0.0'] }, services: [], lock: null, lastOperation: null, newestBackup: null,
    releaseFrom: 'images', checkout: { sha: sha('a'), tags: ['v1.0.0'] }, lockHolderGone: false, unrecovered: [], unreadableJournals: [],
    newestVerifiedBackup: { name: 'backup_20261130_020000.dump', kind: 'daily', createdAt: '2026-11-30T02:00:00Z', verifiedAt: '2026-11-30T02:01:00Z' },
    health: { healthy: true, summary: 'GET /health/ 200' }, undelivered: {}, ...overrides,
  });
  const op = (outcome: HomeEnvironment['recent'][number]['outcome'], operation: string | null, reason: string | null = null) => ({ operationId: 'op', operation, requestedBy: '@alice via slack', outcome, reason, submittedAt: '2026-11-30T11:50:00Z' });
  test('release, health, lock holder, newest verified backup and its age, the last five operations with outcomes, buttons per environment', () => {
    const v = homeView([{
      environment: 'production', status: status('production', { lock: 'deploy v2 by @bob via cli, since 2 minutes ago', health: { healthy: false, summary: 'GET /health/ 503 <@U1>' } }),
      recent: [op('running', 'deploy v2'), op('rolled_back', 'deploy v1.9', 'health check: 503 @channel'), op('succeeded', 'backup create (manual)'), op('refused', 'rollback quick', 'changed'), op('queued', null), op('failed', 'x')],
    }], NOW);
    assert.equal(checkView(v), null);
    const text = json(v);
    assert.match(text, /\*Release:\* `v1\.0\.0` `aaaaaaa`\\n\*Health:\* :red_circle: FAILING — GET \/health\/ 503 &lt;@U1&gt;\\n\*Lock:\* :lock: deploy v2 by @bob via cli, since 2 minutes ago\\n\*Newest verified backup:\* `backup_20261130_020000\.dump` \(daily, 10 hours ago\)/);
    assert.match(text, /• :hourglass_flowing_sand: running deploy v2 by @alice via slack, 10 minutes ago\\n• :leftwards_arrow_with_hook: rolled back deploy v1\.9 by @alice via slack, 10 minutes ago — health check: 503 @\u200bchannel/);
    assert.match(text, /:double_vertical_bar: queued operation `op`/);
    assert.doesNotMatch(text, /:x: failed x/, 'five operations at most');
    assert.deepEqual(buttons(v.blocks).map((x) => x.action_id), ['home_deploy:production', 'home_rollback:production', 'home_backup:production', 'home_refresh']);
  });
  test('a corrupt newest backup is shown beside the newest verified one, with its reason', () => {
    const v = homeView([{ environment: 'production', status: status('production', { newestBackup: { name: 'backup_20261130_110000.dump', kind: 'predeploy', createdAt: '2026-11-30T11:00:00Z', verified: false, corrupt: 'size is 1 bytes, the manifest says 9' } }), recent: [] }], NOW);
    assert.equal(checkView(v), null);
    assert.match(json(v), /\*Newest verified backup:\* `backup_20261130_020000\.dump` \(daily, 10 hours ago\)\\n\*Newest backup:\* `backup_20261130_110000\.dump` :x: \*corrupt\*: size is 1 bytes, the manifest says 9/);
  });
  test('an environment that cannot be read says why; many environments stay within 100 blocks with unique action IDs', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ environment: `env${i}`, status: i === 0 ? null : status(`env${i}`, { newestVerifiedBackup: null }), problem: 'its state could not be read: Docker is down', recent: [] }));
    const v = homeView(many, NOW);
    assert.ok(v.blocks.length <= MAX_BLOCKS_PER_VIEW);
    assert.equal(checkView(v), null);
    const text = json(v);
    assert.match(text, /:warning: its state could not be read: Docker is down/);
    assert.match(text, /Newest verified backup:\* _none_/);
    assert.match(text, /…and \d+ more environments: `\/status ENV`/);
  });
});

describe('usage, confirm outcomes and modal screens', () => {
  test('usage texts name every subcommand and the environments; a problem comes first', () => {
    const r = rollbackUsage('"x" is not a rollback kind', ['production', 'staging']);
    assert.equal(checkMessage({ ...r }), null);
    assert.match(json(r.blocks), /:warning: \\"x\\" is not a rollback kind[^]*\/rollback quick \[ENV\][^]*\/rollback status \[ENV\][^]*`production`, `staging`/);
    assert.match(json(backupsUsage(null, ['production']).blocks), /\/backups list[^]*\/backups create[^]*\/backups verify NAME[^]*\/backups restore NAME/);
    assert.doesNotMatch(json(backupsUsage(null, []).blocks), /:warning:/);
  });
  test('a stale preview says why, that nothing was submitted, and offers a fresh preview', () => {
    const m = staleMessage('production changed since this preview', '{"kind":"deploy"}');
    assert.equal(checkMessage({ ...m }), null);
    assert.match(json(m.blocks), /production changed since this preview\. Nothing was submitted/);
    assert.deepEqual(buttons(m.blocks).map((x) => [x.action_id, x.value]), [['preview_refresh', '{"kind":"deploy"}']]);
  });
  test('a submitted operation: starting, queued behind others, or waiting for the lock held by whom, doing what, since when', () => {
    const v = { what: 'Rollback quick', environment: 'production', operationId: 'op-1', position: 0, lockHeldBy: null, channel: '#deploys' };
    assert.equal(submittedText(v), 'Rollback quick on *production* — starting: operation `op-1`; follow it in #deploys');
    assert.match(submittedText({ ...v, position: 2 }), /queued behind 2 operations/);
    assert.match(submittedText({ ...v, lockHeldBy: 'deploy v2 by @bob via slack (deployment d1), pid 9 on host, since 3 minutes ago' }),
      /waiting: \*production\* is locked by deploy v2 by @bob via slack \(deployment d1\), pid 9 on host, since 3 minutes ago; it starts when that is done/);
    assert.doesNotMatch(submittedMessage(v).text, /[*`]/);
  });
  test('modal screens stay within the modal rules', () => {
    for (const v of [workingModal('Roll back production-with-long-name', 'Working'), doneModal('Done', 'ok'), problemModal('Roll back', 'no', 'do this'), modal({ title: 'x'.repeat(40), blocks: [] })]) {
      assert.equal(checkView(v), null);
      assert.ok(v.title.text.length <= MAX_MODAL_TITLE_CHARS);
    }
    assert.throws(() => modal({ title: 't', blocks: [], privateMetadata: 'x'.repeat(3001) }), /private_metadata/);
  });
});

describe('a manual rollback\'s live message and thread', () => {
  const at = '2026-11-30T12:00:00Z';
  const ok = (name: string) => ({ name, outcome: 'ok' as const, startedAt: at, durationMs: 40 });
  function quick(database: DatabaseRollback, live?: OperationReport['live']): OperationReport {
    return {
      id: 'op3', kind: 'rollback', environment: 'production', ref: 'v1.0.0', previousSha: sha('b'), targetSha: sha('a'), outcome: 'succeeded',
      stages: [], rollback: [ok('git_reset'), ok('start_previous_images'), ok('health')], database, ...(live ? { live } : {}), startedAt: at, finishedAt: at,
    };
  }
  const ended = (report: OperationReport) => foldEvent(initialView('op3', 'production', 'rollback quick', '@alice'), { type: 'report', report });

  test('a quick rollback that kept the database: titled manual, the plan\'s reason, never a deploy; a thread even on success, Back on the host\'s release', () => {
    const why = 'the schema is the same as in backup_1.dump: the database is kept, with every row written since';
    const v = ended(quick({ action: 'untouched', why }, { sha: sha('a'), tag: 'v1.0.0' }));
    const m = operationMessage(v);
    const live = json(m);
    assert.match(live, /\*manual rollback quick\* on \*production\* — :white_check_mark: succeeded/);
    assert.match(live, new RegExp(`\\*Database:\\* The database was kept: ${why.replace(/\./g, '\\.')}\\.`));
    assert.doesNotMatch(live, /deploy/);
    assert.match(live, /details in the thread/);
    const thread = threadDetails(v);
    assert.ok(thread, 'a manual rollback gets a thread even when it succeeded');
    const text = json(thread);
    assert.match(text, /The database was kept: the schema is the same/);
    assert.match(text, /Back on: `v1\.0\.0` `aaaaaaaaaaaa` \(read from the host after the rollback\)/);
    assert.doesNotMatch(text, /bbbbbbbbbbbb|deploy failed/, 'never the release it left, never deploy wording');
    assert.equal(checkMessage({ ...m }), null);
    assert.equal(checkMessage({ ...thread }), null);
  });

  test('a restore from the chosen backup: the step says database restored, the line names the backup and the safety backup', () => {
    const v = ended({ ...quick({ action: 'restored', backup: 'backup_1.dump', safetyBackup: 'safety_2.dump', how: 'dump restored', rowsLost: { total: 0, byTable: {}, since: at }, keptIn: 'safety backup safety_2.dump' }, { sha: sha('a') }),
      rollback: [ok('git_reset'), ok('stop_new_services'), ok('restore_database'), ok('health')] });
    const live = json(operationMessage(v));
    assert.match(live, /:white_check_mark: database restored — 40 ms/);
    assert.match(live, /The database was restored from backup backup_1\.dump\. No rows were written or rewritten since the snapshot \(deletions cannot be counted\)\. The database as it was before this rollback is kept in safety backup safety_2\.dump\./);
  });
});
