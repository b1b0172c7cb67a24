import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  acknowledge, escalate, incidentForOperation, incidentId, INCIDENT_ID, openIncident, parseSeverity, resolve, setSeverity, type Incident,
} from '../../src/domain/incident.js';
import { failureFromJournal, timelineFromJournal } from '../../src/domain/incident-failure.js';
import { incidentReportData, PEOPLE_PROMPTS, renderIncidentReport } from '../../src/domain/incident-report.js';
import { FACT, type JournalEntry, type JournalEvent, type JournalHeader } from '../../src/domain/journal-entry.js';
import { MANUAL_PLAN_FACT } from '../../src/domain/manual-rollback.js';
import { incidentSummaryMessage } from '../../src/incidents/incident-message.js';

const header: JournalHeader = {
  type: 'header', version: 1, id: '20261130T100000Z-abc123', kind: 'deploy', env: 'production', ref: 'v1.1.0', targetSha: null,
  previousSha: null, previousImages: {}, startedAt: '2026-11-30T10:00:00.000Z', pid: 42, host: 'web-1', requestedBy: '@alice via slack',
};

function journal(head: JournalHeader, events: JournalEvent[]): JournalEntry[] {
  return [head, ...events.map((e, i) => ({ ...e, at: `2026-11-30T10:${String(i + 1).padStart(2, '0')}:00.000Z` }) as JournalEntry)];
}

/** A deploy whose health check failed and whose rollback could not start the previous images. */
const failedDeploy = journal(header, [
  { type: 'stage_started', stage: 'preflight' },
  { type: 'fact', key: FACT.previousSha, value: 'a'.repeat(40) },
  { type: 'stage_finished', stage: 'preflight', outcome: 'ok' },
  { type: 'fact', key: FACT.targetSha, value: 'b'.repeat(40) },
  { type: 'fact', key: FACT.preDeployBackup, value: 'backup_20261130_100000.dump' },
  { type: 'stage_started', stage: 'health' },
  { type: 'stage_finished', stage: 'health', outcome: 'failed', reason: 'GET /health/ returned 503' }, // 07
  { type: 'state', state: 'rolling_back' }, // 08
  { type: 'step_started', step: 'git_reset' },
  { type: 'step_finished', step: 'git_reset', outcome: 'ok' }, // 10
  { type: 'step_started', step: 'start_previous_images' },
  { type: 'step_finished', step: 'start_previous_images', outcome: 'failed', reason: 'image sha256:1 is gone' }, // 12
  { type: 'state', state: 'rollback_failed', reason: 'start_previous_images failed' }, // 13
]);

const now = new Date('2026-11-30T10:20:00.000Z');
const later = (min: number) => new Date(now.getTime() + min * 60_000);

function fromJournal(entries: JournalEntry[]): Incident {
  const failure = failureFromJournal(entries);
  assert.ok(failure);
  return openIncident({ id: 'inc-20261130-production-ab12', environment: 'production', operationId: header.id, summary: 'deploy v1.1.0 failed', openedBy: 'ripcord', failure, history: timelineFromJournal(entries) }, now);
}

describe('incident failure and timeline from the journal', () => {
  test('a deploy whose rollback failed: what failed, the steps, where they stopped, the backup', () => {
    const f = failureFromJournal(failedDeploy);
    assert.ok(f);
    assert.equal(f.rollbackType, 'automatic');
    assert.equal(f.rollbackLevel, 1);
    assert.equal(f.stoppedAt, 'start_previous_images');
    assert.deepEqual(f.steps.map((s) => `${s.name}:${s.outcome}`), ['git_reset:ok', 'start_previous_images:failed']);
    assert.equal(f.preDeployBackup, 'backup_20261130_100000.dump');
    assert.match(f.reason, /health failed: GET \/health\/ returned 503; rollback stopped at start_previous_images: image sha256:1 is gone/);
    assert.equal(f.previousSha, 'a'.repeat(40));
  });

  test('the timeline carries the journal times of detection, decision and rollback executed', () => {
    const t = timelineFromJournal(failedDeploy);
    assert.deepEqual(t.map((e) => `${e.kind}@${e.at.slice(11, 16)}`), ['detected@10:07', 'decision@10:08', 'rollback_executed@10:12']);
  });

  test('a journal that is not a failed rollback gives no failure', () => {
    assert.equal(failureFromJournal(failedDeploy.slice(0, 8)), null);
    assert.equal(failureFromJournal([]), null);
  });

  test('a manual rollback: type and level from the journaled plan, the steps not run listed', () => {
    const manual = journal({ ...header, kind: 'rollback', ref: null }, [
      { type: 'fact', key: MANUAL_PLAN_FACT, value: { kind: 'manual_rollback', request: { kind: 'full' }, level: 3, steps: [{ kind: 'safety_backup' }, { kind: 'restore_database' }, { kind: 'health' }] } },
      { type: 'state', state: 'rolling_back' },
      { type: 'step_started', step: 'safety_backup' },
      { type: 'step_finished', step: 'safety_backup', outcome: 'ok' },
      { type: 'fact', key: FACT.safetyBackup, value: 'safety_20261130_100400.dump' },
      { type: 'step_started', step: 'restore_database' },
      { type: 'step_finished', step: 'restore_database', outcome: 'failed', reason: 'pg_restore exited 1' },
      { type: 'state', state: 'rollback_failed' },
    ]);
    const f = failureFromJournal(manual);
    assert.ok(f);
    assert.equal(f.rollbackType, 'full');
    assert.equal(f.rollbackLevel, 3);
    assert.equal(f.safetyBackup, 'safety_20261130_100400.dump');
    assert.deepEqual(f.steps.map((s) => `${s.name}:${s.outcome}`), ['safety_backup:ok', 'restore_database:failed', 'health:not_run']);
    const kinds = timelineFromJournal(manual).map((e) => e.kind);
    assert.deepEqual(kinds, ['decision', 'rollback_executed', 'detected']);
  });

  test('what the database got, from the journal: a failed restore in a manual rollback is said as a manual one, in the summary and the report', () => {
    const manual = journal({ ...header, kind: 'rollback', ref: null }, [
      { type: 'fact', key: MANUAL_PLAN_FACT, value: { kind: 'manual_rollback', request: { kind: 'backup' }, level: 3, steps: [{ kind: 'restore_database', strategy: 'dump_restore', backup: 'backup_1.dump' }, { kind: 'health' }] } },
      { type: 'state', state: 'rolling_back' },
      { type: 'step_started', step: 'restore_database' },
      { type: 'step_finished', step: 'restore_database', outcome: 'failed', reason: 'pg_restore exited 1' },
      { type: 'state', state: 'rollback_failed' },
    ]);
    const f = failureFromJournal(manual);
    assert.deepEqual(f?.database, { action: 'not_restored', why: 'pg_restore exited 1' });
    const incident = fromJournal(manual);
    const summary = JSON.stringify(incidentSummaryMessage(incident, []));
    assert.match(summary, /\*The database\*\\nThe database was NOT put back \(pg_restore exited 1\): it is as the failed step left it/);
    assert.match(summary, /❌ database NOT restored — pg_restore exited 1/);
    assert.doesNotMatch(summary, /failed release/);
    assert.match(incidentReportData(incident).database ?? '', /^The database was NOT put back/);
    assert.match(renderIncidentReport(incident), /- \*\*Database:\*\* The database was NOT put back/);
  });

  test('a deploy whose rollback stopped before its database step: the database was not put back, said so', () => {
    const deploy = journal(header, [
      { type: 'stage_started', stage: 'migrate' },
      { type: 'fact', key: FACT.preDeployBackup, value: 'backup_1.dump' },
      { type: 'stage_finished', stage: 'migrate', outcome: 'failed', reason: 'exit 1' },
      { type: 'state', state: 'rolling_back' },
      { type: 'step_started', step: 'stop_new_services' },
      { type: 'step_finished', step: 'stop_new_services', outcome: 'failed', reason: 'docker gone' },
      { type: 'state', state: 'rollback_failed' },
    ]);
    const f = failureFromJournal(deploy);
    assert.equal(f?.database, null);
    assert.match(JSON.stringify(incidentSummaryMessage(fromJournal(deploy), [])), /The rollback stopped before its database step finished: the database was not put back\./);
  });
});

describe('incident lifecycle', () => {
  test('opened from a failure: P1, level 1, the journal history before the opening entry', () => {
    const i = fromJournal(failedDeploy);
    assert.equal(i.severity, 'P1');
    assert.equal(i.state, 'open');
    assert.equal(i.escalationLevel, 1);
    assert.deepEqual(i.timeline.map((e) => e.kind), ['detected', 'decision', 'rollback_executed', 'opened']);
  });

  test('acknowledge once, escalate to the last level, refuse past it; resolved cannot change', () => {
    const i = fromJournal(failedDeploy);
    const acked = acknowledge(i, 'U1', later(1));
    assert.equal(acked.state, 'acknowledged');
    assert.equal(acknowledge(acked, 'U2', later(2)), acked, 'a second acknowledgement changes nothing');
    const l3 = escalate(escalate(acked, 'U1', later(3), 3), 'U1', later(4), 3);
    assert.equal(l3.escalationLevel, 3);
    assert.throws(() => escalate(l3, 'U1', later(5), 3), (e: Error & { fix?: string }) => /already at level 3/.test(e.message) && /contacts\.level4/.test(e.fix ?? ''));
    const done = resolve(l3, 'U9', later(6), () => 'report');
    assert.equal(done.report, 'report');
    assert.equal(resolve(done, 'U9', later(7), () => 'x'), done);
    assert.throws(() => setSeverity(done, 'P2', 'U1', later(8)), (e: Error & { fix?: string }) => /resolved/.test(e.message) && /open a new one/.test(e.fix ?? ''));
  });

  test('severity parses P1–P4 only, and a change is on the timeline', () => {
    assert.equal(parseSeverity(' p3 '), 'P3');
    assert.throws(() => parseSeverity('P5'), /not one of P1, P2, P3, P4/);
    const s = setSeverity(fromJournal(failedDeploy), 'P2', 'U1', later(1));
    assert.equal(s.timeline.at(-1)?.text, 'severity P1 → P2 by U1');
  });

  test('one incident per operation; opened by hand never matches', () => {
    const i = fromJournal(failedDeploy);
    assert.equal(incidentForOperation([i], header.id), i);
    assert.equal(incidentForOperation([i], 'other'), null);
    assert.equal(incidentForOperation([i], null), null);
  });

  test('IDs are file-safe and recognised', () => {
    const id = incidentId(now, 'production', '3f9a');
    assert.equal(id, 'inc-20261130-production-3f9a');
    assert.match(id, INCIDENT_ID);
    assert.doesNotMatch('inc-20261130-../etc-3f9a', INCIDENT_ID);
  });
});

describe('incident report', () => {
  test('the template filled in from the incident, the timeline with real times, people prompted for the rest', () => {
    const resolved = resolve(acknowledge(fromJournal(failedDeploy), 'U1', later(2)), 'U2', later(30), renderIncidentReport);
    const d = incidentReportData(resolved);
    assert.equal(d.durationMinutes, 50, 'from the operation start 10:00 to resolved 10:50');
    assert.equal(d.previousVersion, 'a'.repeat(12));
    assert.equal(d.rollbackType, 'automatic');
    assert.deepEqual(d.timeline.map((t) => t.at?.slice(11, 16)), ['10:07', '10:08', '10:12', undefined, '10:22', '10:50']);
    const md = resolved.report ?? '';
    assert.match(md, /\| Detection \| 2026-11-30 10:07:00 UTC \| health failed: GET \/health\/ returned 503 \|/);
    assert.match(md, /\| Verification \| — \| — \|/, 'no verification ran: said, not invented');
    assert.match(md, /\*\*Duration:\*\* 50 min/);
    assert.match(md, /\*\*Rollback type and level:\*\* automatic \(Level 1\)/);
    assert.ok(md.includes(PEOPLE_PROMPTS.rootCause) && md.includes(PEOPLE_PROMPTS.actionItems));
  });

  test('an open incident reports as ongoing; pipes in reasons do not break the table', () => {
    const i = fromJournal(failedDeploy);
    const piped = { ...i, timeline: i.timeline.map((e) => (e.kind === 'detected' ? { ...e, text: 'a | b' } : e)) };
    const md = renderIncidentReport(piped);
    assert.match(md, /\*\*Duration:\*\* ongoing/);
    assert.match(md, /a \\\| b/);
  });
});
