/**
 * Ctrl-C handling of the CLI (the signal source and the exit are fakes: the real thing is
 * test/integration/deploy-interrupt.test.ts), which release `status` says runs, and its lines.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { watchInterrupts } from '../../src/cli/interrupt.js';
import { statusLines } from '../../src/cli/commands/status.js';
import { recordedImagesOf, runningRelease } from '../../src/domain/running-release.js';
import { foldJournal } from '../../src/domain/journal-facts.js';
import type { JournalEntry } from '../../src/domain/journal-entry.js';
import type { EnvironmentStatus } from '../../src/executor/environment-status.js';

function watch(operation: 'deploy' | 'rollback' | 'recovery') {
  const signals = new EventEmitter();
  const said: string[] = [];
  const exits: number[] = [];
  const w = watchInterrupts({ operation, env: 'production', err: (l) => said.push(l), signals, exit: (c) => exits.push(c) });
  return { w, signals, said, exits };
}

describe('watchInterrupts', () => {
  test('the first SIGINT aborts the deploy with the operator as the reason and says at once what happens', () => {
    const { w, signals, said, exits } = watch('deploy');
    signals.emit('SIGINT', 'SIGINT');
    assert.equal(w.signal.aborted, true);
    assert.equal((w.signal.reason as Error).message, 'interrupted by the operator (SIGINT)');
    assert.deepEqual(said, ['interrupted (SIGINT): stopping the deploy and rolling production back… press Ctrl-C again to stop now (then run `ripcord recover --env production`)']);
    assert.deepEqual(exits, []);
  });

  test('the second stops now (128 + signal) and names `ripcord recover`', () => {
    const { signals, said, exits } = watch('deploy');
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    assert.deepEqual(exits, [130]);
    assert.equal(said[1], 'stopped now (SIGINT): the deploy of production did not finish and its journal is kept; run `ripcord recover --env production` to roll it back (it takes over the lock this process held)');
  });

  test('once the deploy rolls back, or for a manual rollback, the first signal says the rollback goes on', () => {
    const deploy = watch('deploy');
    deploy.w.tracking()({ type: 'step_started', phase: 'rollback', name: 'git_reset', at: new Date() });
    deploy.signals.emit('SIGINT', 'SIGINT');
    assert.match(deploy.said[0]!, /^interrupted \(SIGINT\): the rollback of production goes on to its end, since stopping it half-way leaves production between two releases…/);
    const manual = watch('rollback');
    manual.signals.emit('SIGTERM', 'SIGTERM');
    manual.signals.emit('SIGTERM', 'SIGTERM');
    assert.match(manual.said[0]!, /the rollback of production goes on to its end/);
    assert.deepEqual(manual.exits, [143]);
    assert.match(manual.said[1]!, /the rollback of production did not finish .* to finish the rollback/);
  });

  test('after dispose a signal is not handled here any more', () => {
    const { w, signals, said } = watch('deploy');
    w.dispose();
    assert.equal(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM'), 0);
    assert.deepEqual(said, []);
  });
});

const sha = (c: string) => c.repeat(40);
const header = (id: string, startedAt: string, previousSha: string, previousImages: Record<string, string>): JournalEntry => ({
  type: 'header', version: 1, id, kind: 'deploy', env: 'production', ref: 'v2', targetSha: null, previousSha, previousImages,
  requestedBy: 'root via cli', startedAt, pid: 1, host: 'h',
} as JournalEntry);
const at = (s: number) => `2026-11-30T12:00:${String(s).padStart(2, '0')}Z`;

describe('runningRelease', () => {
  const v1 = { web: 'sha256:old', db: 'sha256:pg' };
  const v2 = { web: 'sha256:new', db: 'sha256:pg' };
  // v1 → v2 succeeded; then a deploy of v3 moved the checkout and stopped before `up`.
  const journals = [
    foldJournal([header('d1', at(1), sha('1'), v1), { type: 'fact', key: 'targetSha', value: sha('2'), at: at(2) }, { type: 'fact', key: 'newImages', value: v2, at: at(3) }, { type: 'state', state: 'succeeded', at: at(4) }] as JournalEntry[]),
    foldJournal([header('d2', at(5), sha('2'), v2), { type: 'fact', key: 'targetSha', value: sha('3'), at: at(6) }, { type: 'stage_started', stage: 'build', at: at(7) }] as JournalEntry[]),
  ];
  const recorded = recordedImagesOf(journals);

  test('the release whose recorded images run, not the checkout an interrupted deploy left at its target', () => {
    assert.equal(runningRelease(recorded, v2, sha('3')), sha('2'));
    assert.equal(runningRelease(recorded, v1, sha('1')), sha('1'));
  });
  test('the checkout wins when it runs too (two releases on the same images)', () => {
    assert.equal(runningRelease([{ sha: sha('2'), images: v2 }, { sha: sha('9'), images: v2 }], v2, sha('9')), sha('9'));
  });
  test('nothing recorded runs (a service stopped, an image rebuilt by hand): unknown', () => {
    assert.equal(runningRelease(recorded, { db: 'sha256:pg' }, sha('3')), null);
    assert.equal(runningRelease(recorded, { web: 'sha256:other', db: 'sha256:pg' }, sha('3')), null);
    assert.equal(runningRelease([], v2, sha('2')), null);
  });
});

describe('statusLines', () => {
  const base: EnvironmentStatus = {
    environment: 'production', release: { sha: sha('a'), tags: ['v1.0.0'] }, releaseFrom: 'images', checkout: { sha: sha('a'), tags: ['v1.0.0'] },
    services: [], lock: null, lockHolderGone: false, unrecovered: [], unreadableJournals: [], lastOperation: null, newestBackup: null,
    newestVerifiedBackup: null, health: { healthy: true, summary: 'GET /health/ 200' }, undelivered: {},
  };
  test('what runs, and the checkout apart when an unrecovered deploy moved it; the unrecovered run with its fix; a gone holder', () => {
    const lines = statusLines({
      ...base, checkout: { sha: sha('b'), tags: ['v1.1.0'] }, lock: 'deploy v1.1.0 by root via cli (deployment d2), pid 9 on h', lockHolderGone: true,
      unrecovered: [{ id: 'd2', kind: 'deploy', ref: 'v1.1.0', state: 'build', startedAt: new Date().toISOString() }],
    });
    assert.equal(lines[0], `production: v1.0.0 ${'a'.repeat(12)} runs (its recorded images); the checkout is at v1.1.0 ${'b'.repeat(12)}, which does not run`);
    assert.match(lines[1]!, /^UNRECOVERED: deploy v1\.1\.0 \(d2\) stopped during build, started .* ago: run `ripcord recover --env production` to roll it back$/);
    assert.ok(lines.includes('lock: deploy v1.1.0 by root via cli (deployment d2), pid 9 on h — its process is gone: the next operation here takes the lock over'));
  });
  test('a release no journal confirms is shown as checked out, not verified', () => {
    assert.equal(statusLines({ ...base, releaseFrom: 'checkout' })[0], `production: v1.0.0 ${'a'.repeat(12)} (checked out; no journal records the images that run, so that it runs is not verified)`);
    assert.equal(statusLines(base)[0], `production: v1.0.0 ${'a'.repeat(12)}`);
  });
});
