/**
 * Approval requests outlive the bot: each ApprovalBook below stands for one bot process (its own
 * Redis connection, the same prefix), so "another instance" is a restarted bot or a second bot
 * host. Real Redis, no mocks. A request held by one bot is decided by the next; a double click
 * that reaches two bots asks once; Approve and Deny racing on two bots: exactly one wins; a
 * request that expires while no bot runs is expired — audited and shown — exactly once by the
 * bots that start later, and a click after that hears it expired; decided requests are kept a
 * while and then dropped; a request whose message could not be posted is withdrawn; with Redis
 * down, holding fails with an error that names Redis.
 */
import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RipcordError } from '../../src/domain/errors.js';
import { failFastConnection } from '../../src/queue/redis-connections.js';
import { ApprovalBook, RETAIN_MS, type Approval, type ApprovalBookOptions, type HeldOperation } from '../../src/slack/access/approvals.js';
import { requireRedis } from '../support/require-services.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../support/service-fixtures.js';
import { waitFor } from '../support/stack/stack-helpers.js';

const BOB = { id: 'U0BOB', name: 'bob' };
const CAROL = { id: 'U0CAROL', name: 'carol' };
const op = (requestId: string): HeldOperation => ({
  action: 'deploy', environment: 'production', target: 'v1.2.0', what: 'deploy `v1.2.0`', title: 'deploy v1.2.0', channel: 'C0OPS', shownFromSha: null,
  requester: { id: 'U0ALICE', name: 'alice' }, request: { requestId, environment: 'production', requestedBy: '@alice (U0ALICE)', source: 'slack', operation: { kind: 'deploy', ref: 'v1.2.0' } },
});

let prefix = '';
const opened: Array<{ book: ApprovalBook; redis: Redis }> = [];

/** One bot: its own connection, the test's prefix. */
function bot(onExpired: (a: Approval) => void = () => undefined, options: ApprovalBookOptions = {}): ApprovalBook {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const book = new ApprovalBook(redis, prefix, onExpired, options);
  opened.push({ book, redis });
  return book;
}

before(requireRedis);

afterEach(async () => {
  for (const { book, redis } of opened.splice(0)) {
    await book.stop();
    redis.disconnect();
  }
  await dropPrefix(prefix);
});

describe('approval requests in Redis', () => {
  test('one request per request ID, the first decision wins, a late click finds it expired, an unknown ID is unknown', async () => {
    prefix = newPrefix();
    let now = 1_000_000;
    const expired: string[] = [];
    const book = bot((a) => void expired.push(a.id), { now: () => now });
    const first = await book.hold(op('req-1'), 60_000);
    assert.equal(first.existing, false);
    const again = await book.hold(op('req-1'), 60_000);
    assert.deepEqual([again.approval.id, again.existing], [first.approval.id, true], 'a double click asks once');
    assert.equal((await book.decide(first.approval.id, 'approved', BOB)).kind, 'decided');
    const late = await book.decide(first.approval.id, 'denied', CAROL);
    assert.deepEqual([late.kind, late.kind === 'already' && late.approval.decided], ['already', { kind: 'approved', by: BOB }]);
    assert.equal((await book.hold(op('req-1'), 60_000)).existing, false, 'once decided, asking again is a new request');
    assert.equal((await book.decide('apr-nope', 'approved', BOB)).kind, 'unknown');
    const due = (await book.hold(op('req-2'), 60_000)).approval;
    now += 60_000;
    assert.equal((await book.decide(due.id, 'approved', BOB)).kind, 'expired', 'expired wins over a click at expiresAt');
    assert.deepEqual(expired, [due.id], 'the click that found it overdue reported the expiry');
    assert.equal((await book.decide(due.id, 'approved', BOB)).kind, 'expired');
    assert.deepEqual(expired, [due.id], 'once');
  });

  test('a request held by one bot is decided by the next one (a restart, or a second bot)', async () => {
    prefix = newPrefix();
    const first = bot();
    const { approval } = await first.hold(op('req-restart'), 15 * 60_000);
    await first.rememberMessage(approval.id, { channel: 'C0OPS', ts: '1764500000.000100' });
    const second = bot();
    const seen = await second.get(approval.id);
    assert.deepEqual(seen, { ...approval, message: { channel: 'C0OPS', ts: '1764500000.000100' } }, 'the whole request, as held');
    const d = await second.decide(approval.id, 'approved', BOB);
    assert.equal(d.kind, 'decided');
    assert.deepEqual(d.kind === 'decided' && d.approval.op, op('req-restart'));
    const late = await first.decide(approval.id, 'denied', CAROL);
    assert.deepEqual([late.kind, late.kind === 'already' && late.approval.decided?.by], ['already', BOB]);
    // Kept a while for late clicks, then dropped by Redis; no longer waiting to expire.
    const redis = opened[0]!.redis;
    const ttl = await redis.pttl(`${prefix}:slack:approval:${approval.id}`);
    assert.ok(ttl > 0 && ttl <= RETAIN_MS, `kept ${ttl} ms`);
    assert.equal(await redis.zcard(`${prefix}:slack:approval-expiries`), 0);
    const stored = JSON.stringify(await redis.hgetall(`${prefix}:slack:approval:${approval.id}`));
    assert.doesNotMatch(stored, /password|token|secret|postgres:\/\//i, 'names and refs only');
  });

  test('a double click that reaches two bots asks once', async () => {
    prefix = newPrefix();
    const [a, b] = [bot(), bot()];
    for (let i = 0; i < 20; i++) {
      const held = await Promise.all([a.hold(op(`req-double-${i}`), 60_000), b.hold(op(`req-double-${i}`), 60_000)]);
      assert.equal(held[0].approval.id, held[1].approval.id, `iteration ${i}: one approval`);
      assert.deepEqual(held.map((h) => h.existing).sort(), [false, true]);
    }
    assert.equal(await opened[0]!.redis.zcard(`${prefix}:slack:approval-expiries`), 20, 'twenty requests, not forty');
  });

  test('a request whose message could not be posted is withdrawn: asking again posts a new one', async () => {
    prefix = newPrefix();
    const book = bot();
    const { approval } = await book.hold(op('req-unposted'), 60_000);
    await book.withdraw(approval);
    assert.equal(await book.get(approval.id), undefined);
    const again = await book.hold(op('req-unposted'), 60_000);
    assert.equal(again.existing, false);
    assert.notEqual(again.approval.id, approval.id);
    assert.equal(await opened[0]!.redis.zcard(`${prefix}:slack:approval-expiries`), 1);
  });

  test('Approve on one bot racing Deny on another: exactly one decides, the other hears who did', async () => {
    prefix = newPrefix();
    const [a, b] = [bot(), bot()];
    for (let i = 0; i < 20; i++) {
      const { approval } = await a.hold(op(`req-race-${i}`), 60_000);
      const [approve, deny] = await Promise.all([a.decide(approval.id, 'approved', BOB), b.decide(approval.id, 'denied', CAROL)]);
      assert.deepEqual([approve.kind, deny.kind].sort(), ['already', 'decided'], `iteration ${i}`);
      const winner = approve.kind === 'decided' ? { kind: 'approved', by: BOB } : { kind: 'denied', by: CAROL };
      assert.deepEqual((await b.get(approval.id))?.decided, winner);
      assert.deepEqual(deny.kind === 'unknown' ? null : deny.approval.decided, winner, 'both learn the same winner');
    }
  });

  test('a request that expires while no bot runs is expired once, by the bots that start later; a click then hears it expired', async () => {
    prefix = newPrefix();
    const first = bot(() => assert.fail('the bot that held it stopped before it expired'));
    const { approval } = await first.hold(op('req-expiry'), 60_000);
    await first.rememberMessage(approval.id, { channel: 'C0OPS', ts: '1764500000.000200' });
    await first.stop();
    // An hour later two bots start (the restarted one and a second host), neither of which held it.
    const later = () => Date.now() + 3_600_000;
    const expired: Approval[] = [];
    const [b, c] = [bot((a) => void expired.push(a), { now: later, sweepMs: 50 }), bot((a) => void expired.push(a), { now: later, sweepMs: 50 })];
    b.start();
    c.start();
    await waitFor(async () => expired.length > 0, 10_000, 'the expiry reported', 20);
    await new Promise((r) => setTimeout(r, 500)); // ten more sweeps of each bot
    assert.equal(expired.length, 1, 'reported once in total');
    assert.deepEqual([expired[0]!.id, expired[0]!.decided, expired[0]!.message], [approval.id, { kind: 'expired', by: null }, { channel: 'C0OPS', ts: '1764500000.000200' }]);
    const click = await c.decide(approval.id, 'approved', BOB);
    assert.equal(click.kind, 'expired');
    assert.equal(expired.length, 1, 'the click reported nothing more');
  });

  test('with Redis unreachable, holding a request fails with an error that names Redis', async () => {
    prefix = newPrefix();
    const down = failFastConnection('redis://127.0.0.1:1');
    try {
      const book = new ApprovalBook(down, prefix, () => undefined);
      await assert.rejects(book.hold(op('req-down'), 60_000), (e: unknown) => e instanceof RipcordError && e.code === 'unavailable' && /Redis/.test(e.message) && /start Redis/.test(e.fix));
      await assert.rejects(book.decide('apr-0123456789ab', 'approved', BOB), (e: unknown) => e instanceof RipcordError && e.code === 'unavailable');
    } finally {
      down.disconnect();
    }
  });
});
