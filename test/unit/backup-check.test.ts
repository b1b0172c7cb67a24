/** A backup against its manifest, from a stat and what a full re-hash remembered: pure data in, data out. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkBackup, checkLabel, checkWords, newestGoodBackup, type BackupStanding, type ManifestFacts } from '../../src/domain/backup-check.js';

const VERIFIED_AT = '2026-11-30T02:01:00.000Z';
const manifest = (o: Partial<ManifestFacts> = {}): ManifestFacts => ({ sizeBytes: 1000, verifiedAt: VERIFIED_AT, hasManifest: true, ...o });
const file = (sizeBytes = 1000, modifiedAt = '2026-11-30T02:00:30.000Z') => ({ sizeBytes, modifiedAt: new Date(modifiedAt) });

describe('checkBackup', () => {
  test('same size, not touched since it was verified: verified', () => {
    assert.deepEqual(checkBackup(manifest(), file()), { state: 'verified', verifiedAt: VERIFIED_AT });
  });

  test('never verified: unverified, not corrupt', () => {
    assert.deepEqual(checkBackup(manifest({ verifiedAt: null }), file()), { state: 'unverified' });
  });

  test('a size other than the manifest\'s (a truncated or appended dump): corrupt, with both sizes', () => {
    assert.deepEqual(checkBackup(manifest(), file(512)), { state: 'corrupt', reason: 'size is 512 bytes, the manifest says 1000' });
    assert.equal(checkBackup(manifest({ verifiedAt: null }), file(1001)).state, 'corrupt', 'a verification is not needed to see a wrong size');
  });

  test('modified on disk after its verification (same size, bytes changed in place): corrupt, and says a verify re-hashes it', () => {
    const c = checkBackup(manifest(), file(1000, '2026-11-30T09:00:00.000Z'));
    assert.equal(c.state, 'corrupt');
    assert.match(c.state === 'corrupt' ? c.reason : '', /^modified on disk at 2026-11-30T09:00:00\.000Z, after it was verified at 2026-11-30T02:01:00\.000Z \(a full verify re-hashes it\)$/);
    assert.equal(checkBackup(manifest(), file(1000, '2026-11-30T02:01:01.500Z')).state, 'verified', 'a coarse filesystem clock is not a change');
  });

  test('a remembered failed re-hash: corrupt even when size and mtime look right', () => {
    const c = checkBackup(manifest({ failedVerification: { at: '2026-11-30T05:00:00Z', reasons: ['sha256 ab… does not match the manifest\'s cd…'] } }), file());
    assert.deepEqual(c, { state: 'corrupt', reason: 'failed verification at 2026-11-30T05:00:00Z: sha256 ab… does not match the manifest\'s cd…' });
  });

  test('an unreadable manifest: corrupt with its problem; an old dump without a manifest has nothing to compare', () => {
    assert.deepEqual(checkBackup(manifest({ manifestProblem: 'manifest x.json is unreadable' }), file()), { state: 'corrupt', reason: 'manifest x.json is unreadable' });
    assert.deepEqual(checkBackup(manifest({ hasManifest: false, sizeBytes: 1, verifiedAt: null }), file(77)), { state: 'unverified' });
  });
});

describe('words and choice', () => {
  test('labels: verified, not verified, CORRUPT (with the reason where there is room)', () => {
    assert.equal(checkLabel({ verified: true }), 'verified');
    assert.equal(checkLabel({ verified: false }), 'not verified');
    assert.equal(checkLabel({ verified: false, corrupt: 'size is 1 bytes' }), 'CORRUPT');
    assert.equal(checkWords({ verified: false, corrupt: 'size is 1 bytes' }), 'CORRUPT: size is 1 bytes');
  });

  test('newestGoodBackup: the newest verified, uncorrupted backup of that release', () => {
    const b = (name: string, createdAt: string, o: Partial<BackupStanding> = {}): BackupStanding => ({ name, createdAt, verified: true, releaseSha: 'a', ...o });
    const list = [
      b('old', '2026-11-28T02:00:00Z'), b('good', '2026-11-29T02:00:00Z'), b('bad', '2026-11-30T02:00:00Z', { verified: false, corrupt: 'size' }),
      b('unverified', '2026-11-30T03:00:00Z', { verified: false }), b('other', '2026-11-30T04:00:00Z', { releaseSha: 'b' }),
    ];
    assert.equal(newestGoodBackup(list, 'a')?.name, 'good');
    assert.equal(newestGoodBackup(list, 'c'), null);
  });
});
