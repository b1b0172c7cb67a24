import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openIncident, type Incident } from '../../src/domain/incident.js';
import { channelNameWithSuffix, channelSlug, incidentChannelName, validChannelName } from '../../src/domain/incident-channel.js';
import type { BackupStanding } from '../../src/domain/backup-check.js';
import { breakGlassCommand, preDeployBackupNote } from '../../src/domain/incident-runbook.js';
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

  const A = 'a'.repeat(40);
  const seen = (o: Partial<BackupStanding> & { name: string }): BackupStanding => ({ createdAt: '2026-11-30T02:00:00Z', verified: true, releaseSha: A, ...o });
  const corruptPre = seen({ name: 'backup_1.dump', createdAt: '2026-11-30T10:00:00Z', verified: false, corrupt: 'size is 10 bytes, the manifest says 20' });

  test('a corrupt pre-deploy backup is never named: the newest good backup of the previous release is, and the note says why', () => {
    const backups = [corruptPre, seen({ name: 'backup_daily_new.dump' }), seen({ name: 'backup_daily_old.dump', createdAt: '2026-11-29T02:00:00Z' }), seen({ name: 'backup_other.dump', createdAt: '2026-11-30T09:00:00Z', releaseSha: 'c'.repeat(40) })];
    const incident = withFailure({ rollbackLevel: 3 });
    assert.equal(breakGlassCommand(incident, backups), `ripcord rollback --env production --full ${'a'.repeat(12)} backup_daily_new.dump`);
    assert.equal(preDeployBackupNote(incident.failure, backups), 'The pre-deploy backup backup_1.dump is corrupt (size is 10 bytes, the manifest says 20): the command restores backup_daily_new.dump, the newest good backup of the previous release, instead.');
  });

  test('corrupt with nothing good to stand in: code only, and the note says to choose a backup; a good pre-deploy or an unreadable backup dir: as before', () => {
    const incident = withFailure({ rollbackLevel: 3 });
    assert.equal(breakGlassCommand(incident, [corruptPre]), `ripcord rollback --env production --commit ${'a'.repeat(12)}`);
    assert.match(preDeployBackupNote(incident.failure, [corruptPre]) ?? '', /is corrupt \(size is 10 bytes, the manifest says 20\), and no good backup of the previous release is left: choose one from `ripcord backups list`/);
    assert.equal(breakGlassCommand(incident, [seen({ name: 'backup_1.dump' })]), `ripcord rollback --env production --full ${'a'.repeat(12)} backup_1.dump`);
    assert.equal(preDeployBackupNote(incident.failure, [seen({ name: 'backup_1.dump' })]), null);
    assert.equal(breakGlassCommand(incident, null), `ripcord rollback --env production --full ${'a'.repeat(12)} backup_1.dump`, 'not checked here: named as recorded');
    assert.equal(preDeployBackupNote(incident.failure, null), null);
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

  test('the summary marks a corrupt backup and its "What to do now" names the good one instead', () => {
    const backups: BackupStanding[] = [
      { name: 'backup_1.dump', createdAt: '2026-11-30T10:00:00Z', verified: false, corrupt: 'failed verification at 2026-11-30T05:00:00Z: sha256 ab… does not match', releaseSha: 'a'.repeat(40) },
      { name: 'backup_good.dump', createdAt: '2026-11-30T02:00:00Z', verified: true, releaseSha: 'a'.repeat(40) },
    ];
    const m = incidentSummaryMessage(withFailure({ rollbackLevel: 3 }), [], backups);
    assert.equal(checkMessage(m as never), null);
    const shown = JSON.stringify(m);
    assert.match(shown, /pre-deploy: `backup_1\.dump` \(the database before the deploy\) — :x: \*CORRUPT\*: failed verification at 2026-11-30T05:00:00Z/);
    assert.match(shown, /```ripcord rollback --env production --full aaaaaaaaaaaa backup_good\.dump```\\n:warning: The pre-deploy backup backup_1\.dump is corrupt/);
    assert.doesNotMatch(shown, /--full aaaaaaaaaaaa backup_1\.dump/);
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
