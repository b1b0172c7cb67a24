/**
 * Slack access, pure: the request signature (good, forged, old, future, replayed), who a
 * permission list lets in (users, groups, nobody listed = everyone), who may approve, the
 * refusal and approval messages (within Slack's rules, naming who can), and `ripcord audit`'s
 * parsing. The approval book lives in Redis: test/integration/slack-approvals.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditLine, parseSince } from '../../src/cli/commands/audit.js';
import { environmentSchema } from '../../src/config/schema.js';
import { approvalRefusal, approvalRequired, describePrincipals, permits, principalsFor } from '../../src/slack/access/permission-rules.js';
import { slackPerson, slackUser } from '../../src/slack/bot-context.js';
import { boundedUseCases, MAX_CONCURRENT } from '../../src/slack/bounded-use-cases.js';
import { ReplayCache, slackSignature, verifySignature } from '../../src/slack/http/slack-signature.js';
import { approvalDecidedMessage, approvalRequestMessage, refusalMessage, type ApprovalView } from '../../src/slack/messages/access-messages.js';
import { checkMessage } from '../support/slack-emulator/slack-rules.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_764_500_000;

describe('request signatures', () => {
  const body = 'token=x&command=%2Fdeploy&text=v1.2.0';
  const good = { signature: slackSignature(SECRET, String(NOW), body), timestamp: String(NOW) };

  test('Slack\'s v0 HMAC-SHA256 of v0:ts:body verifies; anything else does not', () => {
    assert.match(good.signature, /^v0=[0-9a-f]{64}$/);
    assert.deepEqual(verifySignature(SECRET, good, body, NOW), { ok: true });
    assert.equal(verifySignature('another-secret', good, body, NOW).ok, false);
    assert.equal(verifySignature(SECRET, good, `${body}&user_id=U0EVE`, NOW).ok, false);
    assert.equal(verifySignature(SECRET, { ...good, signature: good.signature.slice(0, -1) }, body, NOW).ok, false);
    assert.equal(verifySignature(SECRET, { timestamp: good.timestamp }, body, NOW).ok, false);
    assert.equal(verifySignature(SECRET, { ...good, timestamp: '17e8' }, body, NOW).ok, false);
  });

  test('five minutes either way, no more', () => {
    assert.equal(verifySignature(SECRET, good, body, NOW + 300).ok, true);
    assert.deepEqual(verifySignature(SECRET, good, body, NOW + 301), { ok: false, why: 'timestamp outside the five-minute window' });
    assert.equal(verifySignature(SECRET, good, body, NOW - 301).ok, false, 'a timestamp from the future (Bolt lets these through)');
  });

  test('the replay cache refuses the same signature and timestamp again, and forgets them after the window', () => {
    const cache = new ReplayCache();
    assert.equal(cache.firstSeen(good.signature, good.timestamp, NOW), true);
    assert.equal(cache.firstSeen(good.signature, good.timestamp, NOW + 10), false);
    assert.equal(cache.firstSeen(good.signature, String(NOW + 1), NOW + 10), true, 'another timestamp is another request');
    cache.firstSeen('v0=other', String(NOW + 400), NOW + 400);
    assert.equal(cache.size, 1, 'entries older than the window are dropped');
  });
});

describe('permissions and approvals', () => {
  const groups: Record<string, string[]> = { S0OPS: ['U0BOB'] };
  const memberOf = (user: string) => (g: string) => groups[g]?.includes(user) ?? false;

  test('users and group members are let in; an empty list lets everyone in', () => {
    assert.equal(permits(['U0ALICE', 'S0OPS'], 'U0ALICE', memberOf('U0ALICE')), true);
    assert.equal(permits(['U0ALICE', 'S0OPS'], 'U0BOB', memberOf('U0BOB')), true);
    assert.equal(permits(['U0ALICE', 'S0OPS'], 'U0EVE', memberOf('U0EVE')), false);
    assert.equal(permits([], 'U0EVE', memberOf('U0EVE')), true);
  });

  test('who may, in words; who may approve; which actions need approval', () => {
    assert.equal(describePrincipals([]), 'anyone in the workspace');
    assert.equal(describePrincipals(['U0ALICE']), '<@U0ALICE>');
    assert.equal(describePrincipals(['U0ALICE', 'U0CAROL', 'S0OPS']), '<@U0ALICE>, <@U0CAROL> or a member of <!subteam^S0OPS>');
    assert.equal(approvalRefusal('U0ALICE', 'U0ALICE', true), 'own_request');
    assert.equal(approvalRefusal('U0ALICE', 'U0EVE', false), 'not_permitted');
    assert.equal(approvalRefusal('U0ALICE', 'U0BOB', true), null);
    const env = { approval: { required: true, actions: ['deploy', 'restore'] as Array<'deploy' | 'rollback' | 'restore'>, expiresMinutes: 30 } };
    assert.equal(approvalRequired(env, 'deploy'), true);
    assert.equal(approvalRequired(env, 'rollback'), false);
    assert.equal(approvalRequired({ approval: { ...env.approval, required: false } }, 'deploy'), false);
  });

  test('backup and incident: unlisted (configs from before they were checked) lets everyone in, as before; a list is enforced', () => {
    const env = environmentSchema.parse({
      appDir: '/srv/app', database: { url: 'postgres://app@127.0.0.1:5432/app' }, health: { url: 'http://127.0.0.1:9/health/' }, backups: { dir: '/var/backups/app' },
      contacts: { level1: { slack: ['U0DEV1', 'S0ONCALL'] }, level2: { slack: ['U0LEAD', 'U0DEV1'] } },
      permissions: { deploy: ['U0ALICE'] },
    });
    assert.deepEqual([principalsFor(env, 'backup'), principalsFor(env, 'incident')], [[], []]);
    assert.equal(permits(principalsFor(env, 'backup'), 'U0EVE', memberOf('U0EVE')), true);
    const listed = { ...env, permissions: { ...env.permissions, backup: ['U0OPS'], incident: ['U0OPS'] } };
    assert.deepEqual(principalsFor(listed, 'backup'), ['U0OPS']);
    // The contacts a ping asks to acknowledge are never refused its buttons.
    assert.deepEqual(principalsFor(listed, 'incident'), ['U0OPS', 'U0DEV1', 'S0ONCALL', 'U0LEAD']);
    assert.equal(permits(principalsFor(listed, 'incident'), 'U0LEAD', memberOf('U0LEAD')), true);
    assert.equal(permits(principalsFor(listed, 'incident'), 'U0EVE', memberOf('U0EVE')), false);
  });

  test('approval.actions takes the actions that change what runs, not backup or incident', () => {
    const base = { appDir: '/srv/app', database: { url: 'postgres://app@127.0.0.1:5432/app' }, health: { url: 'http://127.0.0.1:9/health/' }, backups: { dir: '/var/backups/app' } };
    assert.equal(environmentSchema.safeParse({ ...base, approval: { required: true, actions: ['restore'] } }).success, true);
    const bad = environmentSchema.safeParse({ ...base, approval: { required: true, actions: ['backup'] } });
    assert.match(bad.success ? '' : bad.error.issues[0]!.message, /expected deploy, rollback or restore/);
  });

  test('Slack users are named with their ID, readable in locks and journals', () => {
    assert.equal(slackUser({ id: 'U0ALICE', user_name: 'alice' }), '@alice (U0ALICE)');
    assert.equal(slackUser({ id: 'U0ALICE' }), '@U0ALICE');
    assert.deepEqual(slackPerson({ id: 'U0ALICE', username: 'alice' }), { id: 'U0ALICE', name: 'alice' });
  });
});

describe('refusal and approval messages', () => {
  const view: ApprovalView = { id: 'apr-0123456789ab', action: 'deploy', environment: 'production', what: 'deploy `v1.2.0`', requesterId: 'U0ALICE', expiresAt: 1_764_501_800_000, approvers: '<@U0BOB> or a member of <!subteam^S0OPS>' };

  test('a refusal is polite, names who can, and passes Slack\'s rules', () => {
    for (const reason of ['not_permitted', 'own_request', 'not_permitted_to_approve'] as const) {
      const m = refusalMessage({ reason, action: 'deploy', environment: 'production', allowed: '<@U0BOB>' });
      assert.equal(checkMessage(m as unknown as Record<string, unknown>), null);
      assert.match(JSON.stringify(m), /Sorry/);
      assert.match(JSON.stringify(m), /<@U0BOB>/);
    }
    const say = (action: 'backup' | 'incident') => refusalMessage({ reason: 'not_permitted', action, environment: 'production', allowed: '<@U0BOB>' }).text;
    assert.match(say('backup'), /^Sorry — you are not allowed to back up production\. .*permissions\.backup of production/);
    assert.match(say('incident'), /^Sorry — you are not allowed to act on incidents of production\. .*permissions\.incident of production/);
  });

  test('the approval request carries Approve (behind a confirm) and Deny with only the approval ID; the decided one has no buttons', () => {
    const m = approvalRequestMessage(view, 1_764_500_000_000);
    assert.equal(checkMessage(m as unknown as Record<string, unknown>), null);
    const buttons = (m.blocks!.find((b) => b.type === 'actions')!.elements as Array<Record<string, unknown>>);
    assert.deepEqual(buttons.map((b) => [b.action_id, b.value]), [['approval_approve', view.id], ['approval_deny', view.id]]);
    assert.ok(buttons[0]!.confirm);
    assert.match(JSON.stringify(m), /<@U0ALICE> asks to deploy `v1\.2\.0` on \*production\*/);
    assert.match(JSON.stringify(m), /in 30 minutes/);
    for (const outcome of [{ kind: 'approved', by: 'U0BOB', operationId: 'op-1' }, { kind: 'denied', by: 'U0BOB' }, { kind: 'expired' }, { kind: 'stale', by: 'U0BOB', why: 'production changed <@U0X>' }] as const) {
      const d = approvalDecidedMessage(view, outcome);
      assert.equal(checkMessage(d as unknown as Record<string, unknown>), null);
      assert.ok(!d.blocks!.some((b) => b.type === 'actions'));
    }
    const stale = JSON.stringify(approvalDecidedMessage(view, { kind: 'stale', by: 'U0BOB', why: 'production changed <@U0X>' }));
    assert.match(stale, /approved by <@U0BOB>, but production changed &lt;@U0X&gt;\. Nothing ran; ask again with a fresh preview/);
  });
});

describe('ripcord audit', () => {
  test('--since takes 30m, 24h, 7d or a date, and says the fix otherwise', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    assert.equal(parseSince('30m', now).toISOString(), '2026-11-30T11:30:00.000Z');
    assert.equal(parseSince('24h', now).toISOString(), '2026-11-29T12:00:00.000Z');
    assert.equal(parseSince('7d', now).toISOString(), '2026-11-23T12:00:00.000Z');
    assert.equal(parseSince('2026-11-01', now).toISOString(), '2026-11-01T00:00:00.000Z');
    assert.throws(() => parseSince('yesterday', now), (e: { message: string; fix: string }) => /neither a duration/.test(e.message) && /--since 24h/.test(e.fix));
  });

  test('one line says when, where, what, who and why', () => {
    assert.equal(
      auditLine({ at: '2026-11-30T12:00:00.000Z', event: 'denied', environment: 'production', action: 'deploy', target: 'v1.2.0', user: { id: 'U0EVE', name: 'eve' }, channel: 'C0OPS', detail: 'not_permitted' }),
      '2026-11-30T12:00:00.000Z  production denied             deploy v1.2.0 — eve (U0EVE) in C0OPS · not_permitted',
    );
  });
});

describe('bounded use cases', () => {
  test('at most two previews run at once, the rest wait their turn; the same one in flight is shared', async () => {
    let running = 0;
    let most = 0;
    const inner = {
      environments: () => ['production'], channelOf: () => '#deploys',
      previewDeploy: async () => { running++; most = Math.max(most, running); await new Promise((r) => setTimeout(r, 5)); running--; return {} as never; },
      recentReleases: async () => ({ releases: [], current: null }), status: async () => ({}) as never,
      submit: async () => ({ operationId: 'op', position: 0, duplicate: false }), follow: async function* () { /* no events */ }, close: async () => undefined,
      previewRollback: async () => ({}) as never, rollbackChoices: async () => ({}) as never, backups: async () => [], previewRestore: async () => ({}) as never,
      currentSha: async () => null, lockHolder: async () => null, recentOperations: async () => [],
    };
    const bounded = boundedUseCases(inner);
    await Promise.all(Array.from({ length: 10 }, (_, i) => bounded.previewDeploy('production', `v${i}`, '@a')));
    assert.equal(most, MAX_CONCURRENT);
    assert.equal(running, 0);
    let computed = 0;
    const counting = boundedUseCases({ ...inner, previewDeploy: async () => { computed++; await new Promise((r) => setTimeout(r, 5)); return {} as never; } });
    await Promise.all(Array.from({ length: 10 }, () => counting.previewDeploy('production', 'v1', '@a')));
    assert.equal(computed, 1, 'the same preview in flight is computed once');
    await counting.previewDeploy('production', 'v1', '@a');
    assert.equal(computed, 2, 'and computed again once it settled');
    let reads = 0;
    const shas = boundedUseCases({ ...inner, currentSha: async () => { reads++; await new Promise((r) => setTimeout(r, 5)); return 'a'.repeat(40); } });
    assert.deepEqual(new Set(await Promise.all(Array.from({ length: 50 }, () => shas.currentSha('production')))), new Set(['a'.repeat(40)]));
    assert.equal(reads, 1, 'fifty confirms at once read the live SHA once');
  });
});
