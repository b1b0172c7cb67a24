import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foldJournal } from '../../src/domain/journal-facts.js';
import { FACT, parseJournalEntry, type JournalEntry, type JournalEvent, type JournalHeader } from '../../src/domain/journal-entry.js';
import { buildRollbackPlan } from '../../src/domain/rollback-plan.js';
import { RipcordError } from '../../src/domain/errors.js';

const header: JournalHeader = {
  type: 'header', version: 1, id: 'd-1', kind: 'deploy', env: 'production', ref: 'v1.1.0', targetSha: null,
  previousSha: null, previousImages: {}, startedAt: '2026-11-01T10:00:00.000Z', pid: 42, host: 'web-1',
};

let tick = 0;
const at = (e: JournalEvent): JournalEntry => ({ ...e, at: `2026-11-01T10:00:${String(++tick).padStart(2, '0')}.000Z` });
const fold = (...events: JournalEvent[]) => foldJournal([header, ...events.map(at)]);

describe('foldJournal', () => {
  test('a journal with only a header is queued and unfinished', () => {
    const f = fold();
    assert.equal(f.state, 'queued');
    assert.equal(f.finished, false);
    assert.deepEqual(f.stagesStarted, []);
  });

  test('stages, facts and the failure are folded; facts override the header', () => {
    const f = fold(
      { type: 'stage_started', stage: 'preflight' },
      { type: 'fact', key: FACT.previousSha, value: 'b'.repeat(40) },
      { type: 'fact', key: FACT.previousImages, value: { web: 'sha256:1' } },
      { type: 'stage_finished', stage: 'preflight', outcome: 'ok' },
      { type: 'stage_started', stage: 'backup' },
      { type: 'fact', key: FACT.preDeployBackup, value: 'backup_1.dump' },
      { type: 'stage_finished', stage: 'backup', outcome: 'ok' },
      { type: 'fact', key: FACT.targetSha, value: 'a'.repeat(40) },
      { type: 'stage_started', stage: 'migrate' },
      { type: 'stage_finished', stage: 'migrate', outcome: 'failed', reason: 'migrate: exit 1', evidence: { exitCode: 1 } },
      { type: 'state', state: 'rolling_back', reason: 'migrate: exit 1' },
    );
    assert.equal(f.state, 'rolling_back');
    assert.equal(f.finished, false);
    assert.equal(f.previousSha, 'b'.repeat(40));
    assert.equal(f.targetSha, 'a'.repeat(40));
    assert.deepEqual(f.previousImages, { web: 'sha256:1' });
    assert.equal(f.preDeployBackup, 'backup_1.dump');
    assert.deepEqual(f.stagesStarted, ['preflight', 'backup', 'migrate']);
    assert.deepEqual(f.failure, { stage: 'migrate', reason: 'migrate: exit 1' });
    assert.deepEqual(f.stages[2]!.evidence, { exitCode: 1 });
    assert.deepEqual(f.anomalies, []);
    // The fold is what the rollback plan builder consumes.
    assert.deepEqual(buildRollbackPlan(f).steps.map((s) => s.kind), ['stop_new_services', 'restore_database', 'start_previous_images', 'health', 'integrity']);
  });

  test('a stage that started but never finished (crash) counts as started', () => {
    const f = fold({ type: 'stage_started', stage: 'preflight' }, { type: 'stage_finished', stage: 'preflight', outcome: 'ok' }, { type: 'stage_started', stage: 'build' }, { type: 'child', pid: 999, argv: ['docker', 'compose', 'build'] });
    assert.equal(f.state, 'build');
    assert.equal(f.stages.at(-1)!.finishedAt, null);
    assert.deepEqual(f.children.map((c) => c.pid), [999]);
  });

  test('a state entry and a stage_started for the same stage are one move', () => {
    const f = fold({ type: 'state', state: 'preflight' }, { type: 'stage_started', stage: 'preflight' });
    assert.deepEqual(f.anomalies, []);
  });

  test('rollback steps record progress and the safety backup', () => {
    const f = fold(
      { type: 'stage_started', stage: 'preflight' }, { type: 'state', state: 'rolling_back' },
      { type: 'step_started', step: 'restore_database' }, { type: 'fact', key: FACT.safetyBackup, value: 'safety_1.dump' },
      { type: 'step_finished', step: 'restore_database', outcome: 'ok' }, { type: 'step_started', step: 'health' },
    );
    assert.deepEqual(f.steps.map((s) => [s.step, s.outcome ?? null]), [['restore_database', 'ok'], ['health', null]]);
    assert.equal(f.safetyBackup, 'safety_1.dump');
  });

  test('terminal states finish the journal', () => {
    assert.ok(fold({ type: 'state', state: 'refused', reason: 'lock held' }).finished);
    assert.equal(fold({ type: 'state', state: 'refused', reason: 'lock held' }).stateReason, 'lock held');
  });

  test('impossible moves and badly shaped facts are anomalies, not crashes', () => {
    const f = fold({ type: 'stage_started', stage: 'up' }, { type: 'stage_started', stage: 'fetch' }, { type: 'fact', key: FACT.previousImages, value: 'nope' }, { type: 'step_finished', step: 'health', outcome: 'ok' });
    assert.equal(f.anomalies.length, 3);
    assert.equal(f.state, 'fetch');
  });

  test('no header is an error that says what to do', () => {
    assert.throws(() => foldJournal([]), (e: unknown) => e instanceof RipcordError && /move it out/.test(e.fix));
  });
});

describe('parseJournalEntry', () => {
  test('accepts well-formed entries and rejects the rest', () => {
    assert.deepEqual(parseJournalEntry(header), header);
    assert.ok(parseJournalEntry({ type: 'stage_started', stage: 'build', at: 'x' }));
    assert.equal(parseJournalEntry({ type: 'stage_started', stage: 'build' }), null);
    assert.equal(parseJournalEntry({ type: 'stage_started', stage: 'deploy', at: 'x' }), null);
    assert.equal(parseJournalEntry({ type: 'toString', at: 'x' }), null);
    assert.equal(parseJournalEntry({ ...header, previousImages: { web: 1 } }), null);
    assert.equal(parseJournalEntry([1]), null);
    assert.equal(parseJournalEntry(null), null);
  });
});
