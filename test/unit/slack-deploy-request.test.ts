/** From Slack text to a request, pure: arguments, the confirm value, the request ID a double click shares, stale previews, the Home tab's Deploy modal. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeConfirm, deployRequestId, encodeConfirm, parseDeployText, PREVIEW_VALID_MS } from '../../src/slack/deploy-request.js';
import { tooOld } from '../../src/slack/preview-freshness.js';
import { REQUEST_ID } from '../../src/operations/request.js';
import { deployModal, deployModalEnvironment, readDeployModal } from '../../src/slack/messages/deploy-modal.js';
import { checkView } from '../support/slack-emulator/slack-rules.js';

const p = { environment: 'production', ref: 'v1.1.0', fromSha: 'a'.repeat(40), toSha: 'b'.repeat(40), previewedAt: 1_800_000_000_000 };

describe('/deploy arguments', () => {
  test('REF ENV, REF with one environment, ENV alone and nothing', () => {
    assert.deepEqual(parseDeployText('v1.1.0 staging', ['production', 'staging']), { ref: 'v1.1.0', environment: 'staging' });
    assert.deepEqual(parseDeployText(' v1.1.0 ', ['production']), { ref: 'v1.1.0', environment: 'production' });
    assert.deepEqual(parseDeployText('staging', ['production', 'staging']), { ref: null, environment: 'staging' });
    assert.deepEqual(parseDeployText('', ['production']), { ref: null, environment: 'production' });
  });
  test('an unknown environment, a missing one among several, an unsafe ref and extra words are refused with what works', () => {
    assert.throws(() => parseDeployText('v1 staging', ['production']), (e: Error & { fix: string }) => /no environment "staging"/.test(e.message) && /production/.test(e.fix));
    assert.throws(() => parseDeployText('v1', ['production', 'staging']), (e: Error & { fix: string }) => /name the environment/.test(e.message) && /production, staging/.test(e.fix));
    assert.throws(() => parseDeployText('--exec=x', ['production']), /starts with "-"/);
    assert.throws(() => parseDeployText('a b c', ['production']), /too many words/);
  });
});

describe('confirming a preview', () => {
  test('the button value round-trips; a forged one is refused', () => {
    assert.deepEqual(decodeConfirm(encodeConfirm(p)), p);
    assert.throws(() => decodeConfirm('{"e":1}'), /does not carry a deploy preview/);
    assert.throws(() => decodeConfirm(undefined), (e: Error & { fix: string }) => /fresh preview/.test(e.fix));
  });
  test('one preview, one request ID (a valid queue job ID); another preview, another ID', () => {
    assert.equal(deployRequestId(p), deployRequestId({ ...p }));
    assert.notEqual(deployRequestId(p), deployRequestId({ ...p, previewedAt: p.previewedAt + 1 }));
    assert.notEqual(deployRequestId(p), deployRequestId({ ...p, toSha: 'c'.repeat(40) }));
    assert.match(deployRequestId(p), REQUEST_ID);
  });
  test('a preview older than the window cannot be confirmed', () => {
    assert.equal(tooOld(p, p.previewedAt + 60_000), null);
    assert.match(tooOld(p, p.previewedAt + PREVIEW_VALID_MS + 60_000) ?? '', /6 minutes old/);
  });
});

describe('the Deploy modal of the Home tab', () => {
  const releases = Array.from({ length: 30 }, (_, i) => ({ tag: `v1.${i}.0`, sha: String(i % 10).repeat(40), date: '2026-11-29T12:00:00Z' }));

  test('a picker of the newest tags (at most 25, the running one marked) and a ref input, within Slack\'s modal rules', () => {
    const view = deployModal({ environment: 'production', releases, current: releases[0]!.sha, now: new Date('2026-11-30T12:00:00Z') });
    assert.equal(checkView(view), null);
    const body = JSON.stringify(view);
    assert.equal((body.match(/"value":"v1\.\d+\.0"/g) ?? []).length, 25);
    assert.match(body, /v1\.0\.0 0000000 — 1 day ago \(running now\)/);
    assert.match(body, /\*production\* runs `v1\.0\.0` now/);
    assert.equal(deployModalEnvironment(view.private_metadata), 'production');
    const none = JSON.stringify(deployModal({ environment: 'production', releases: [], current: null, now: new Date() }));
    assert.match(none, /No release tags yet/);
    assert.equal(checkView(deployModal({ environment: 'production', releases: [], current: null, now: new Date() })), null);
  });

  test('the typed ref wins over the pick; nothing, or an unsafe ref, is answered beside the input', () => {
    const pick = (value: string | null, typed: string | null) => ({ release: { release: { selected_option: value ? { value } : null } }, ref: { ref: { value: typed } } });
    assert.deepEqual(readDeployModal(pick('v1.2.0', null)), { ref: 'v1.2.0' });
    assert.deepEqual(readDeployModal(pick('v1.2.0', ' main ')), { ref: 'main' });
    assert.deepEqual(readDeployModal(pick(null, '')), { errors: { ref: 'pick a release above or type a ref' } });
    assert.match((readDeployModal(pick(null, '--upload-pack=x')) as { errors: { ref: string } }).errors.ref, /starts with "-"/);
    assert.equal(deployModalEnvironment('not json'), '');
  });
});
