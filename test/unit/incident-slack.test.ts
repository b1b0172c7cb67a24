import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openIncident, type Incident } from '../../src/domain/incident.js';
import { channelNameWithSuffix, channelSlug, incidentChannelName, validChannelName } from '../../src/domain/incident-channel.js';
import { breakGlassCommand } from '../../src/domain/incident-runbook.js';
import { checklistMessage, incidentSummaryMessage } from '../../src/incidents/incident-message.js';
import { incidentMeant, parseIncidentCommand } from '../../src/slack/incident-request.js';
import { checkMessage } from '../support/slack-emulator/slack-rules.js';

const now = new Date('2026-11-30T10:20:00.000Z');
const base = openIncident({ id: 'inc-20261130-production-ab12', environment: 'production', operationId: 'op', summary: 'deploy v1.1.0 failed', openedBy: 'ripcord' }, now);
const withFailure = (over: Partial<NonNullable<Incident['failure']>>): Incident => ({
  ...base,
  failure: {
    operationKind: 'deploy', rollbackType: 'automatic', rollbackLevel: 1, ref: 'v1.1.0', previousSha: 'a'.repeat(40), targetSha: 'b'.repeat(40),
    reason: 'health failed', steps: [{ name: 'git_reset', outcome: 'ok' }, { name: 'start_previous_images', outcome: 'failed', reason: '<!channel> gone' }],
    stoppedAt: 'start_previous_images', safetyBackup: null, preDeployBackup: 'backup_1.dump', requestedBy: null, startedAt: now.toISOString(), finishedAt: now.toISOString(), ...over,
  },
});

describe('incident channel names', () => {
  test('inc-YYYYMMDD-env-slug within Slack\'s rules, whatever the summary', () => {
    assert.equal(incidentChannelName(now, 'production', 'Deploy v1.1.0: health FAILED!'), 'inc-20261130-production-deploy-v1-1-0-health-failed');
    assert.equal(channelSlug('Ünïcödé — ümlauts & emoji 🚨'), 'unicode-umlauts-emoji');
    for (const summary of ['', '!!!', 'x'.repeat(300), 'a-'.repeat(100), 'Ωmega']) {
      const name = incidentChannelName(now, 'staging_eu', summary);
      assert.ok(validChannelName(name), name);
      assert.ok(name.length <= 77, `room for a suffix: ${name.length}`);
      assert.ok(validChannelName(channelNameWithSuffix(name, 12)));
    }
    assert.equal(channelNameWithSuffix('inc-20261130-production-x', 2), 'inc-20261130-production-x-2');
    assert.equal(channelNameWithSuffix('a'.repeat(80), 3).length, 80);
  });
});

describe('break-glass command', () => {
  test('full restore when the database was part of it, code only otherwise, status when nothing is known', () => {
    assert.equal(breakGlassCommand(withFailure({ rollbackLevel: 3 })), `ripcord rollback --env production --full ${'a'.repeat(12)} backup_1.dump`);
    assert.equal(breakGlassCommand(withFailure({})), `ripcord rollback --env production --commit ${'a'.repeat(12)}`);
    assert.equal(breakGlassCommand(base), 'ripcord rollback --env production --status');
  });
});

describe('incident messages', () => {
  test('the summary passes Slack\'s rules, escapes outside text, names the paged people', () => {
    const m = incidentSummaryMessage(withFailure({}), ['U0DEV1', '@oncall']);
    assert.equal(checkMessage(m as never), null);
    const shown = JSON.stringify(m);
    assert.match(shown, /&lt;!channel&gt; gone/);
    assert.match(shown, /<@U0DEV1> @oncall/);
    assert.match(shown, /Stopped at start_previous_images/);
    assert.equal(checkMessage(checklistMessage(base) as never), null);
  });

  test('a kept database shows as kept, never as a ✅ restore; what the database got is said in the deploy\'s words', () => {
    const m = incidentSummaryMessage(withFailure({
      steps: [{ name: 'restore_database', outcome: 'ok' }, { name: 'start_previous_images', outcome: 'failed', reason: 'gone' }],
      database: { action: 'kept', why: 'no migration of this deploy changed it' },
    }), []);
    const shown = JSON.stringify(m);
    assert.match(shown, /⚪ database kept/);
    assert.doesNotMatch(shown, /✅ restore_database/);
    assert.match(shown, /\*The database\*\\nThe database was kept as it is: no migration of this deploy changed it\./);
    assert.equal(checkMessage(m as never), null);
    assert.doesNotMatch(JSON.stringify(incidentSummaryMessage(withFailure({}), [])), /The database\*/, 'an incident recorded before this was kept says nothing rather than guess');
  });
});

describe('/incident parsing', () => {
  const envs = ['production', 'staging'];
  test('each command, with and without an ID', () => {
    assert.deepEqual(parseIncidentCommand('open production checkout is down', envs), { kind: 'open', environment: 'production', summary: 'checkout is down' });
    assert.deepEqual(parseIncidentCommand('open checkout is down', envs), { kind: 'open', environment: undefined, summary: 'checkout is down' });
    assert.deepEqual(parseIncidentCommand('severity p2', envs), { kind: 'severity', severity: 'P2', id: undefined });
    assert.deepEqual(parseIncidentCommand('ack inc-20261130-production-ab12', envs), { kind: 'ack', id: 'inc-20261130-production-ab12' });
    assert.deepEqual(parseIncidentCommand(' report ', envs), { kind: 'report', id: undefined });
    assert.throws(() => parseIncidentCommand('ack ../x', envs), /not an incident ID/);
    assert.throws(() => parseIncidentCommand('reboot', envs), (e: Error & { fix?: string }) => /not a command/.test(e.message) && /\/incident open/.test(e.fix ?? ''));
    assert.throws(() => parseIncidentCommand('severity', envs), /which severity/);
  });

  test('without an ID: the incident of this channel, else the newest open one', () => {
    const a = { ...base, id: 'inc-20261130-production-aaaa', slack: { mode: 'channel' as const, channel: 'C1', ts: '1.1' } };
    const b = { ...base, id: 'inc-20261130-production-bbbb', slack: { mode: 'thread' as const, channel: 'C2', ts: '1.2' } };
    assert.equal(incidentMeant([b, a], 'C1')?.id, a.id);
    assert.equal(incidentMeant([b, a], 'C9')?.id, b.id);
    assert.equal(incidentMeant([], 'C1'), null);
  });
});
