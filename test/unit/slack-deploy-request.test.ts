/** From Slack text to a request, pure: arguments, the confirm value, the request ID a double click shares, stale previews. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeConfirm, deployRequestId, encodeConfirm, parseDeployText, PREVIEW_VALID_MS } from '../../src/slack/deploy-request.js';
import { freshnessProblem } from '../../src/slack/preview-freshness.js';
import { REQUEST_ID } from '../../src/operations/request.js';

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
    assert.equal(freshnessProblem(p, p.previewedAt + 60_000), null);
    assert.match(freshnessProblem(p, p.previewedAt + PREVIEW_VALID_MS + 60_000) ?? '', /6 minutes old/);
  });
});
