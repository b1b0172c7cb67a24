/** Manual rollback plans, the release history they read, and the schema-command deny-list: pure data in, data out. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foldJournal } from '../../src/domain/journal-facts.js';
import type { JournalEntry } from '../../src/domain/journal-entry.js';
import { backupForRelease, buildManualRollbackPlan, journaledRollbackPlan, MANUAL_PLAN_FACT, preDeployBackupOf, type ManualPlanInputs, type TargetBackup } from '../../src/domain/manual-rollback.js';
import { formatManualPlan } from '../../src/domain/manual-rollback-format.js';
import { previousRelease, releaseHistory } from '../../src/domain/release-history.js';
import { deniedSchemaCommand } from '../../src/domain/schema-command-policy.js';
import { RipcordError } from '../../src/domain/errors.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const IMG = (x: string) => ({ web: `sha256:${x.repeat(64)}` });

/** A journal's entries: a header, the stages that ran, facts, a final state. */
function journal(o: { id: string; kind?: 'deploy' | 'rollback'; at: string; from: string; to: string; state: string; facts?: Record<string, unknown>; stages?: string[] }): JournalEntry[] {
  const at = (n: number) => o.at.replace('00Z', `${String(n).padStart(2, '0')}Z`);
  const header: JournalEntry = { type: 'header', version: 1, id: o.id, kind: o.kind ?? 'deploy', env: 'production', ref: o.to === B ? 'v2' : null, targetSha: o.to, previousSha: o.from, previousImages: IMG(o.from[0]!), startedAt: at(0), pid: 1, host: 'h' };
  const events: JournalEntry[] = (o.stages ?? (o.kind === 'rollback' ? [] : ['preflight', 'backup', 'fetch', 'up'])).map((stage) => ({ type: 'stage_started', stage, at: at(1) }) as JournalEntry);
  if (o.kind === 'rollback') events.push({ type: 'state', state: 'rolling_back', at: at(1) });
  for (const [key, value] of Object.entries(o.facts ?? {})) events.push({ type: 'fact', key, value, at: at(2) });
  events.push({ type: 'state', state: o.state, at: at(3) } as JournalEntry);
  return [header, ...events];
}

const fold = (e: JournalEntry[]) => foldJournal(e);

describe('releaseHistory', () => {
  const deployed = fold(journal({ id: 'd1', at: '2026-11-01T10:00:00Z', from: A, to: B, state: 'succeeded', facts: { newImages: IMG('b'), preDeployBackup: 'backup_20261101_100000.dump' } }));
  const refused = fold(journal({ id: 'd2', at: '2026-11-01T11:00:00Z', from: B, to: C, state: 'refused', stages: ['preflight'] }));
  const rolledBack = fold(journal({ id: 'd3', at: '2026-11-01T12:00:00Z', from: B, to: C, state: 'rolled_back' }));

  test('a succeeded deploy makes its target live; the release before it is known with its images', () => {
    const h = releaseHistory([deployed]);
    assert.deepEqual(h.releases.map((r) => r.sha), [B, A]);
    assert.deepEqual(h.releases[0]?.images, IMG('b'));
    assert.deepEqual(h.releases[1]?.images, IMG('a'));
    const prev = previousRelease(h, B);
    assert.equal(prev?.release.sha, A);
    assert.equal(prev?.change.preDeployBackup, 'backup_20261101_100000.dump');
  });

  test('a refused or rolled-back deploy never offers its target', () => {
    const h = releaseHistory([rolledBack, refused, deployed]);
    assert.equal(h.releases.some((r) => r.sha === C), false);
    assert.equal(h.changes.length, 1);
    assert.equal(previousRelease(h, B)?.release.sha, A, 'the live release is still B, so quick still goes to A');
  });

  test('a manual rollback is a change too: quick after it goes back to the release before it', () => {
    const manual = fold(journal({ id: 'r1', kind: 'rollback', at: '2026-11-01T13:00:00Z', from: B, to: A, state: 'rolled_back', facts: { newImages: IMG('a') } }));
    const h = releaseHistory([deployed, manual]);
    assert.equal(previousRelease(h, A)?.release.sha, B);
    assert.deepEqual(previousRelease(h, A)?.change.fromImages, IMG('b'));
    assert.equal(previousRelease(h, A)?.change.preDeployBackup, null);
  });

  test('no change made the live release live: nothing to go back to', () => {
    assert.equal(previousRelease(releaseHistory([]), A), null);
  });
});

const backup = (name: string, o: Partial<TargetBackup> = {}): TargetBackup => ({ name, kind: 'predeploy', createdAt: '2026-11-01T10:00:00Z', verified: true, releaseSha: A, ...o });

function inputs(o: Partial<ManualPlanInputs> = {}): ManualPlanInputs {
  return {
    request: { kind: 'commit', level: 1, ref: 'v1' }, environment: 'production', currentSha: B, currentImages: IMG('b'),
    target: { sha: A, ref: 'v1', images: IMG('a'), ran: true, liveSince: null }, backup: null, schemaCommand: null, ...o,
  };
}

const kinds = (p: { steps: readonly { kind: string }[] }) => p.steps.map((s) => s.kind);

describe('buildManualRollbackPlan', () => {
  test('Level 1 (commit): code, recorded images by ID, checks — no stop, database untouched', () => {
    const p = buildManualRollbackPlan(inputs());
    assert.deepEqual(kinds(p), ['git_reset', 'start_previous_images', 'health', 'integrity']);
    assert.equal(p.level, 1);
    assert.deepEqual(p.steps[1], { kind: 'start_previous_images', images: IMG('a'), rebuildMissing: true });
  });

  test('a target with no recorded images is built from its code, with a warning when it never ran', () => {
    const p = buildManualRollbackPlan(inputs({ target: { sha: A, ref: 'v1', images: {}, ran: false, liveSince: null } }));
    assert.deepEqual(kinds(p), ['git_reset', 'build_images', 'start_previous_images', 'health', 'integrity']);
    assert.match(p.warnings.join('\n'), /never ran on production/);
  });

  test('backup: stop, restore (safety first), start the current images, checks; the code stays', () => {
    const p = buildManualRollbackPlan(inputs({ request: { kind: 'backup', backup: 'backup_x.dump' }, target: null, backup: backup('backup_x.dump', { releaseSha: B }) }));
    assert.deepEqual(kinds(p), ['stop_new_services', 'restore_database', 'start_previous_images', 'health', 'integrity']);
    assert.equal(p.toSha, B);
    assert.deepEqual(p.steps[2], { kind: 'start_previous_images', images: IMG('b'), rebuildMissing: true });
    assert.equal(p.level, 3);
  });

  test('full (Level 3): code first, then stop, restore, start; warns when the backup belongs to another release', () => {
    const p = buildManualRollbackPlan(inputs({ request: { kind: 'full', level: 3, ref: 'v1' }, backup: backup('backup_x.dump', { releaseSha: C }) }));
    assert.deepEqual(kinds(p), ['git_reset', 'stop_new_services', 'restore_database', 'start_previous_images', 'health', 'integrity']);
    assert.match(p.warnings.join('\n'), /taken while ccccccc was live, not aaaaaaa/);
  });

  test('Level 2: stop, safety backup, reversal in the deployed release, then code and images back', () => {
    const p = buildManualRollbackPlan(inputs({ request: { kind: 'commit', level: 2 }, schemaCommand: { service: 'web', command: 'python manage.py migrate shop 0041' } }));
    assert.deepEqual(kinds(p), ['stop_new_services', 'safety_backup', 'schema_command', 'git_reset', 'start_previous_images', 'health', 'integrity']);
    assert.equal(p.level, 2);
  });

  for (const [why, o, pattern] of [
    ['Level 2 without a schema command', { request: { kind: 'commit', level: 2 } }, /needs rollback\.schemaCommand/],
    ['a deny-listed schema command', { request: { kind: 'commit', level: 2 }, schemaCommand: { service: 'web', command: 'npx prisma migrate reset --force' } }, /is refused: `prisma migrate reset`/],
    ['no previous release', { request: { kind: 'quick' }, target: null }, /no release to roll production back to/],
    ['the live release as target', { target: { sha: B, ref: null, images: {}, ran: true, liveSince: null } }, /already runs bbbbbbb/],
    ['full without a backup', { request: { kind: 'full', level: 3 } }, /needs a backup/],
  ] as const) {
    test(`refuses ${why} with exit 2`, () => {
      assert.throws(() => buildManualRollbackPlan(inputs(o as Partial<ManualPlanInputs>)), (e: unknown) => e instanceof RipcordError && e.exitCode === 2 && pattern.test(e.message));
    });
  }

  test('a backup of another database is refused (exit 2) unless --from-other-database, and the preview names the database it holds', () => {
    const other = { request: { kind: 'backup' as const, backup: 'backup_x.dump' }, target: null, liveDatabase: 'shop', backup: backup('backup_x.dump', { releaseSha: B, database: 'postgres' }) };
    assert.throws(() => buildManualRollbackPlan(inputs(other)), (e: unknown) => e instanceof RipcordError && e.exitCode === 2
      && /backup_x\.dump holds database postgres, not shop/.test(e.message) && /--from-other-database/.test(e.fix));
    const allowed = buildManualRollbackPlan(inputs({ ...other, request: { ...other.request, fromOtherDatabase: true } }));
    assert.match(allowed.warnings.join('\n'), /holds database postgres: its tables replace those of shop \(--from-other-database\)/);
    assert.match(formatManualPlan(allowed, {}, new Date())[2] ?? '', /^Database: restored from backup_x\.dump \(predeploy, holds database postgres, /);
    const same = buildManualRollbackPlan(inputs({ ...other, backup: backup('backup_x.dump', { releaseSha: B, database: 'shop' }) }));
    assert.equal(same.warnings.some((w) => /holds database/.test(w)), false);
    const old = buildManualRollbackPlan(inputs({ ...other, backup: backup('backup_x.dump', { releaseSha: B, database: 'unknown' }) }));
    assert.match(old.warnings.join('\n'), /has no manifest: which database it holds is unknown/);
  });

  test('the journaled plan comes back as the rollback plan recovery resumes', () => {
    const p = buildManualRollbackPlan(inputs());
    const resumed = journaledRollbackPlan(JSON.parse(JSON.stringify({ [MANUAL_PLAN_FACT]: p })) as Record<string, unknown>);
    assert.deepEqual(resumed?.steps, p.steps);
    assert.equal(resumed?.toSha, A);
    assert.equal(journaledRollbackPlan({}), null);
  });

  test('the preview names from → to with labels, the backup with its age and verification, and each step', () => {
    const p = buildManualRollbackPlan(inputs({ request: { kind: 'full', level: 3, ref: 'v1' }, backup: backup('backup_x.dump', { createdAt: '2026-11-01T08:00:00Z' }) }));
    const lines = formatManualPlan(p, { [A]: 'v1 aaaaaaa', [B]: 'v2 bbbbbbb' }, new Date('2026-11-01T10:00:00Z'));
    assert.equal(lines[1], 'Code: v2 bbbbbbb → v1 aaaaaaa');
    assert.match(lines[2] ?? '', /^Database: restored from backup_x\.dump \(predeploy, taken about 2 hours ago, verified\)/);
    assert.ok(lines.some((l) => /3\. restore_database/.test(l)));
  });

  test('backupForRelease: newest verified backup taken on that release, else the pre-deploy one', () => {
    const list = [backup('b1', { createdAt: '2026-11-01T01:00:00Z' }), backup('b2', { createdAt: '2026-11-01T02:00:00Z' }), backup('b3', { createdAt: '2026-11-01T03:00:00Z', verified: false }), backup('pre', { releaseSha: C })];
    assert.equal(backupForRelease(list, A, null)?.name, 'b2');
    assert.equal(backupForRelease(list, B, 'pre')?.name, 'pre');
    assert.equal(backupForRelease(list, B, null), null);
  });

  test('backupForRelease never picks a corrupt backup: the newest good one of that release, else no pre-deploy fallback to a corrupt one', () => {
    const list = [backup('b1', { createdAt: '2026-11-01T01:00:00Z' }), backup('b2', { createdAt: '2026-11-01T02:00:00Z', verified: false, corrupt: 'size is 10 bytes, the manifest says 20' }), backup('pre', { releaseSha: C, verified: false, corrupt: 'failed verification' })];
    assert.equal(backupForRelease(list, A, null)?.name, 'b1');
    assert.equal(backupForRelease(list, B, 'pre'), null);
  });

  test('preDeployBackupOf: the pre-deploy dump; when it is corrupt, the newest good backup of the release before stands in (and says for what); else none', () => {
    const pre = backup('pre', { createdAt: '2026-11-01T09:00:00Z', verified: false, corrupt: 'size is 10 bytes, the manifest says 20' });
    const daily = backup('daily', { kind: 'daily', createdAt: '2026-11-01T02:00:00Z' });
    assert.equal(preDeployBackupOf([backup('pre'), daily], 'pre', A)?.name, 'pre');
    assert.deepEqual(preDeployBackupOf([pre, daily], 'pre', A), { ...daily, standsInFor: { name: 'pre', corrupt: 'size is 10 bytes, the manifest says 20' } });
    assert.equal(preDeployBackupOf([pre, daily], 'pre', C), null, 'no good backup of that release');
    assert.equal(preDeployBackupOf([daily], 'gone', A), null);
    assert.equal(preDeployBackupOf([daily], null, A), null);
  });

  test('a backup named by a person that is corrupt is refused with exit 2, the reason and the fix, before any step', () => {
    const corrupt = backup('backup_x.dump', { verified: false, corrupt: 'failed verification at 2026-11-01T05:00:00Z: sha256 ab… does not match' });
    for (const request of [{ kind: 'backup', backup: 'backup_x.dump' }, { kind: 'full', level: 3, ref: 'v1', backup: 'backup_x.dump' }] as const) {
      assert.throws(() => buildManualRollbackPlan(inputs({ request, backup: corrupt, ...(request.kind === 'backup' ? { target: null } : {}) })),
        (e: unknown) => e instanceof RipcordError && e.exitCode === 2 && /backup backup_x\.dump is corrupt: failed verification/.test(e.message) && /ripcord backups list/.test(e.fix));
    }
  });

  test('a stand-in for a corrupt pre-deploy backup is named in the warnings', () => {
    const standIn = { ...backup('daily'), standsInFor: { name: 'pre', corrupt: 'size is 10 bytes, the manifest says 20' } };
    const p = buildManualRollbackPlan(inputs({ request: { kind: 'quick' }, backup: standIn }));
    assert.equal(p.backup?.name, 'daily');
    assert.match(p.warnings.join('\n'), /the pre-deploy backup pre is corrupt \(size is 10 bytes, the manifest says 20\): daily, the newest good backup of that release, is used instead/);
  });
});

describe('deniedSchemaCommand', () => {
  for (const cmd of ['npx prisma migrate reset --force', 'psql -c "DROP DATABASE app"', 'python manage.py flush --noinput', 'python manage.py migrate shop zero', 'rails db:reset', 'psql -c "truncate items"', 'prisma db push --accept-data-loss']) {
    test(`refuses ${cmd}`, () => assert.ok(deniedSchemaCommand(cmd)));
  }
  for (const cmd of ['python manage.py migrate shop 0041', 'npx prisma migrate deploy', 'psql -f rollback/004_down.sql', 'psql -c "ALTER TABLE items DROP COLUMN price_cents"']) {
    test(`allows ${cmd}`, () => assert.equal(deniedSchemaCommand(cmd), null));
  }
});
