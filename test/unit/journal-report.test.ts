/** A redelivered job whose report was lost gets one from the journal: the same outcome, stages and rollback steps. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JournalEntry } from '../../src/domain/journal-entry.js';
import { foldJournal } from '../../src/domain/journal-facts.js';
import { reportOfJournal } from '../../src/operations/journal-decision.js';

const header = (kind: 'deploy' | 'rollback'): JournalEntry => ({
  type: 'header', version: 1, id: '20261130T050000Z-abcdef', kind, env: 'production', ref: 'v1.1.0', targetSha: null, previousSha: null,
  previousImages: {}, startedAt: '2026-11-30T05:00:00.000Z', pid: 42, host: 'web-1', requestedBy: '@alice via slack',
});
const at = (s: number) => new Date(Date.parse('2026-11-30T05:00:00.000Z') + s * 1000).toISOString();

describe('the report of a finished journal', () => {
  test('a deploy rolled back: outcome, reason, stages with durations, rollback steps', () => {
    const entries = [
      header('deploy'),
      { type: 'stage_started', stage: 'preflight', at: at(0) },
      { type: 'stage_finished', stage: 'preflight', outcome: 'ok', at: at(1) },
      { type: 'fact', key: 'previousSha', value: 'a'.repeat(40), at: at(1) },
      { type: 'fact', key: 'targetSha', value: 'b'.repeat(40), at: at(1) },
      { type: 'stage_started', stage: 'health', at: at(1) },
      { type: 'stage_finished', stage: 'health', outcome: 'failed', reason: 'health check: GET /health/ returned 503', at: at(4) },
      { type: 'state', state: 'rolling_back', reason: 'health check: GET /health/ returned 503', at: at(4) },
      { type: 'step_started', step: 'git_reset', at: at(4) },
      { type: 'step_finished', step: 'git_reset', outcome: 'ok', at: at(6) },
      { type: 'state', state: 'rolled_back', reason: 'health check: GET /health/ returned 503', at: at(6) },
    ] as JournalEntry[];
    const r = reportOfJournal(foldJournal(entries));
    assert.equal(r.outcome, 'rolled_back');
    assert.equal(r.reason, 'health check: GET /health/ returned 503');
    assert.equal(r.previousSha, 'a'.repeat(40));
    assert.deepEqual(r.stages.map((s) => [s.name, s.outcome, s.durationMs]), [['preflight', 'ok', 1000], ['health', 'failed', 3000]]);
    assert.deepEqual(r.rollback?.map((s) => [s.name, s.outcome, s.durationMs]), [['git_reset', 'ok', 2000]]);
    assert.equal(r.finishedAt, at(6));
  });

  test('a manual rollback that finished reads as succeeded, as its live report did', () => {
    const entries = [
      header('rollback'),
      { type: 'state', state: 'rolling_back', reason: 'rollback quick requested by @alice via slack', at: at(0) },
      { type: 'step_started', step: 'git_reset', at: at(0) },
      { type: 'step_finished', step: 'git_reset', outcome: 'ok', at: at(2) },
      { type: 'state', state: 'rolled_back', at: at(2) },
    ] as JournalEntry[];
    const r = reportOfJournal(foldJournal(entries));
    assert.equal(r.kind, 'rollback');
    assert.equal(r.outcome, 'succeeded');
    assert.equal(r.reason, undefined);
  });
});
