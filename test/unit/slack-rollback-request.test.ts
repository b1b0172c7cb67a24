/**
 * From Slack to rollback, restore and backup requests, pure: `/rollback` and `/backups` arguments,
 * the modal's answers, the confirm values and the request IDs a double click shares, whether a
 * preview still holds, the Fresh preview value, and the Home tab's summary of an operation's events.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REQUEST_ID } from '../../src/operations/request.js';
import { summarizeEvents } from '../../src/queue/recent-operations.js';
import { backupTaskRequestId, decodeRestoreConfirm, encodeRestoreConfirm, parseBackupsText, restoreRequestId } from '../../src/slack/backups-request.js';
import { decodePreviewAsk, encodePreviewAsk } from '../../src/slack/preview-ask.js';
import { changedSince, tooOld, PREVIEW_VALID_MS } from '../../src/slack/preview-freshness.js';
import { choiceFromModal, decodeRollbackConfirm, encodeRollbackConfirm, parseRollbackText, rollbackCommandOf, rollbackRequestId } from '../../src/slack/rollback-request.js';

const ENVS = ['production', 'staging'];
const ONE = ['production'];
const sha = (c: string) => c.repeat(40);
const fix = (e: unknown) => (e as { fix?: string }).fix ?? '';

describe('/rollback arguments', () => {
  test('nothing or an environment opens the modal; quick, commit, backup, full and status with an optional environment', () => {
    assert.deepEqual(parseRollbackText('', ONE), { action: 'modal', environment: 'production' });
    assert.deepEqual(parseRollbackText('staging', ENVS), { action: 'modal', environment: 'staging' });
    assert.deepEqual(parseRollbackText('quick', ONE), { action: 'preview', environment: 'production', choice: { kind: 'quick', database: 'auto' } });
    assert.deepEqual(parseRollbackText(' quick  staging ', ENVS), { action: 'preview', environment: 'staging', choice: { kind: 'quick', database: 'auto' } });
    assert.deepEqual(parseRollbackText('commit v1.0.0 staging', ENVS), { action: 'preview', environment: 'staging', choice: { kind: 'commit', level: 1, ref: 'v1.0.0' } });
    assert.deepEqual(parseRollbackText('backup backup_20261122_020000.dump', ONE), { action: 'preview', environment: 'production', choice: { kind: 'backup', backup: 'backup_20261122_020000.dump' } });
    assert.deepEqual(parseRollbackText('full v1.0.0 staging', ENVS), { action: 'preview', environment: 'staging', choice: { kind: 'full', level: 3, ref: 'v1.0.0' } });
    assert.deepEqual(parseRollbackText('full v1.0.0 b.dump', ONE), { action: 'preview', environment: 'production', choice: { kind: 'full', level: 3, ref: 'v1.0.0', backup: 'b.dump' } });
    assert.deepEqual(parseRollbackText('full v1.0.0 b.dump staging', ENVS), { action: 'preview', environment: 'staging', choice: { kind: 'full', level: 3, ref: 'v1.0.0', backup: 'b.dump' } });
    assert.deepEqual(parseRollbackText('status', ENVS), { action: 'status', environment: null });
    assert.deepEqual(parseRollbackText('status staging', ENVS), { action: 'status', environment: 'staging' });
  });
  test('help and anything unknown give the usage; unknown environments, bad refs, missing names and extra words say what works', () => {
    assert.deepEqual(parseRollbackText('help', ONE), { action: 'help', problem: null });
    assert.deepEqual(parseRollbackText('sideways now', ONE), { action: 'help', problem: '"sideways" is not a rollback kind or an environment (production)' });
    assert.throws(() => parseRollbackText('quick qa', ENVS), (e: Error) => /no environment "qa"/.test(e.message) && /production, staging/.test(fix(e)));
    assert.throws(() => parseRollbackText('quick', ENVS), (e: Error) => /name the environment/.test(e.message) && /\/rollback quick production/.test(fix(e)));
    assert.throws(() => parseRollbackText('commit --upload-pack=x', ONE), /starts with "-"/);
    assert.throws(() => parseRollbackText('commit', ONE), (e: Error) => /needs a release/.test(e.message) && /picker/.test(fix(e)));
    assert.throws(() => parseRollbackText('backup', ONE), (e: Error) => /needs a backup name/.test(e.message) && /\/backups list/.test(fix(e)));
    assert.throws(() => parseRollbackText('quick production extra', ONE), /too many words/);
  });
  test('the words that ask for a choice again', () => {
    assert.equal(rollbackCommandOf('production', { kind: 'quick' }), '/rollback quick production');
    assert.equal(rollbackCommandOf('production', { kind: 'full', ref: 'v1', backup: 'b.dump' }), '/rollback full v1 b.dump production');
  });
});

describe('the rollback modal\'s answers', () => {
  const none = { kind: null, releaseSha: null, backup: null, level: null };
  test('each kind, with what it needs', () => {
    assert.deepEqual(choiceFromModal({ ...none, kind: 'quick' }), { choice: { kind: 'quick', database: 'auto' } });
    assert.deepEqual(choiceFromModal({ ...none, kind: 'commit', releaseSha: sha('a') }), { choice: { kind: 'commit', level: 1, ref: sha('a') } });
    assert.deepEqual(choiceFromModal({ ...none, kind: 'backup', backup: 'b.dump' }), { choice: { kind: 'backup', backup: 'b.dump' } });
    assert.deepEqual(choiceFromModal({ ...none, kind: 'full', releaseSha: sha('a') }), { choice: { kind: 'full', level: 3, ref: sha('a') } });
  });
  test('a level overrides the kind, as `ripcord rollback --level` does', () => {
    assert.deepEqual(choiceFromModal({ ...none, kind: 'quick', level: '2' }), { choice: { kind: 'commit', level: 2 } });
    assert.deepEqual(choiceFromModal({ ...none, kind: 'quick', level: '3', backup: 'b.dump' }), { choice: { kind: 'full', level: 3, backup: 'b.dump' } });
  });
  test('a missing pick is answered beside its input', () => {
    assert.deepEqual(choiceFromModal({ ...none, kind: 'commit' }), { errors: { release: 'pick the release to go back to' } });
    assert.deepEqual(choiceFromModal({ ...none, kind: 'backup' }), { errors: { backup: 'pick the backup to restore' } });
    assert.deepEqual(choiceFromModal({ ...none, kind: 'full' }), { errors: { release: 'a full rollback needs the release to go back to' } });
    assert.deepEqual(choiceFromModal(none), { errors: { kind: 'choose what to roll back, or a level' } });
  });
});

describe('confirming a rollback or a restore', () => {
  const p = { environment: 'production', choice: { kind: 'quick' as const, database: 'auto' as const }, fromSha: sha('a'), toSha: sha('b'), backup: 'backup_1.dump', previewedAt: 1_800_000_000_000 };
  test('the Roll back value round-trips, stays ID-sized, and a forged one is refused', () => {
    assert.deepEqual(decodeRollbackConfirm(encodeRollbackConfirm(p)), p);
    assert.ok(encodeRollbackConfirm({ ...p, choice: { kind: 'full', ref: 'r'.repeat(200), backup: 'b'.repeat(200) } }).length < 2000);
    assert.throws(() => decodeRollbackConfirm('{"e":"production","c":{"kind":"reset"}}'), (e: Error) => /does not carry a rollback preview/.test(e.message));
    assert.throws(() => decodeRollbackConfirm(undefined), (e: Error) => /fresh preview/.test(fix(e)));
  });
  test('one preview, one request ID (a valid job ID); another preview or choice, another ID', () => {
    assert.equal(rollbackRequestId(p), rollbackRequestId({ ...p }));
    assert.notEqual(rollbackRequestId(p), rollbackRequestId({ ...p, previewedAt: p.previewedAt + 1 }));
    assert.notEqual(rollbackRequestId(p), rollbackRequestId({ ...p, choice: { kind: 'commit', level: 1, ref: 'v1' } }));
    assert.match(rollbackRequestId(p), REQUEST_ID);
    const r = { environment: 'production', backup: 'backup_1.dump', fromSha: sha('a'), previewedAt: p.previewedAt };
    assert.deepEqual(decodeRestoreConfirm(encodeRestoreConfirm(r)), r);
    assert.throws(() => decodeRestoreConfirm(JSON.stringify({ ...r, n: '../etc/passwd', e: 'production', at: 1, f: null })), /does not carry a restore preview/);
    assert.match(restoreRequestId(r), REQUEST_ID);
    assert.notEqual(restoreRequestId(r), restoreRequestId({ ...r, previewedAt: r.previewedAt + 1 }));
  });
  test('a preview holds while it is young and the environment still runs what it showed', () => {
    const at = p.previewedAt;
    assert.equal(tooOld(p, at + 60_000), null);
    assert.equal(changedSince(p.environment, p.fromSha, sha('a')), null);
    assert.match(tooOld(p, at + PREVIEW_VALID_MS + 60_000) ?? '', /6 minutes old; the plan may no longer hold/);
    assert.equal(changedSince(p.environment, p.fromSha, sha('c')), 'production changed since this preview: it ran aaaaaaa then, it runs ccccccc now (someone deployed or rolled back in between)');
    assert.match(changedSince(p.environment, null, sha('c')) ?? '', /it ran nothing then/);
  });
  test('the Fresh preview value round-trips for each kind; anything else is refused', () => {
    for (const ask of [
      { kind: 'deploy' as const, environment: 'production', ref: 'v1' },
      { kind: 'rollback' as const, environment: 'production', choice: { kind: 'quick' as const } },
      { kind: 'restore' as const, environment: 'production', backup: 'b.dump' },
    ]) assert.deepEqual(decodePreviewAsk(encodePreviewAsk(ask)), ask);
    assert.throws(() => decodePreviewAsk('{"kind":"rollback","environment":"production","choice":{"kind":"drop"}}'), /does not carry a preview/);
  });
});

describe('/backups arguments', () => {
  test('list (the default), create, verify NAME and restore NAME, each with an optional environment', () => {
    assert.deepEqual(parseBackupsText('', ONE), { action: 'list', environment: 'production' });
    assert.deepEqual(parseBackupsText('staging', ENVS), { action: 'list', environment: 'staging' });
    assert.deepEqual(parseBackupsText('create staging', ENVS), { action: 'create', environment: 'staging' });
    assert.deepEqual(parseBackupsText('verify b.dump', ONE), { action: 'verify', environment: 'production', backup: 'b.dump' });
    assert.deepEqual(parseBackupsText('restore b.dump staging', ENVS), { action: 'restore', environment: 'staging', backup: 'b.dump' });
  });
  test('help and anything else give the usage; bad names, missing names and unknown environments say what works', () => {
    assert.deepEqual(parseBackupsText('help', ONE), { action: 'help', problem: null });
    assert.deepEqual(parseBackupsText('shred all', ONE), { action: 'help', problem: '"shred" is not a /backups command' });
    assert.throws(() => parseBackupsText('restore ../../etc/passwd', ONE), (e: Error) => /not a backup name/.test(e.message) && /\/backups list/.test(fix(e)));
    assert.throws(() => parseBackupsText('verify', ONE), /needs a backup name/);
    assert.throws(() => parseBackupsText('list qa', ENVS), (e: Error) => /no environment "qa"/.test(e.message));
  });
  test('create and verify: one request per Slack interaction', () => {
    assert.equal(backupTaskRequestId('create', 'production', 't1'), backupTaskRequestId('create', 'production', 't1'));
    assert.notEqual(backupTaskRequestId('create', 'production', 't1'), backupTaskRequestId('create', 'production', 't2'));
    assert.match(backupTaskRequestId('verify', 'production', 't1', 'b.dump'), REQUEST_ID);
  });
});

describe('the Home tab\'s summary of an operation', () => {
  const at = '2026-11-30T12:00:00.000Z';
  test('queued before its first event, running once started, the report\'s outcome and reason at the end', () => {
    assert.deepEqual(summarizeEvents('op1', at, []), { operationId: 'op1', submittedAt: at, operation: null, requestedBy: null, outcome: 'queued', reason: null });
    const started = { type: 'started' as const, operationId: 'op1', environment: 'production', operation: 'rollback quick', requestedBy: '@alice', source: 'slack' as const, executor: 'h', at };
    assert.equal(summarizeEvents('op1', at, [started]).outcome, 'running');
    const report = { type: 'report' as const, report: { id: 'op1', kind: 'rollback' as const, environment: 'production', outcome: 'refused' as const, reason: 'the environment changed', stages: [], startedAt: at, finishedAt: at } };
    assert.deepEqual(summarizeEvents('op1', at, [started, report]), { operationId: 'op1', submittedAt: at, operation: 'rollback quick', requestedBy: '@alice via slack', outcome: 'refused', reason: 'the environment changed' });
  });
});
