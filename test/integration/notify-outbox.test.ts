/**
 * The durable outbox with real receivers: a delivery that fails is kept on disk (0600, no
 * secret, the destination not stored), and a flush sends it once the receiver is back — exactly
 * once, oldest first, to the URL configured at flush time — or drops it, on record, after the keep period.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { NotificationJson } from '../../src/domain/notification-format.js';
import { notifierFor } from '../../src/notify/index.js';
import {
  assertNoSecret, capturedLogger, filesUnder, notifyConfig, sampleNotification, type NotifyRoot,
} from '../support/notify-fixtures.js';
import { openTestbed, startHttpReceiver, type HttpReceiver, type SmtpReceiver, type Testbed } from '../support/notify-receivers.js';

let bed: Testbed, root: NotifyRoot, http: HttpReceiver, slack: HttpReceiver, smtp: SmtpReceiver;

beforeEach(async () => ({ root, http, slack, smtp } = bed = await openTestbed()));

afterEach(() => bed.close());

const outboxDir = () => join(root.stateDir, 'outbox', 'production');
const kept = () => readdirSync(outboxDir()).filter((f) => f.endsWith('.json')).sort();
const config = (over: { webhook?: string; keepDays?: number } = {}) =>
  notifyConfig(root, { slack: slack.url(''), webhook: over.webhook ?? http.url(), smtpPort: smtp.port, ...(over.keepDays ? { keepDays: over.keepDays } : {}) });
const titles = (r: HttpReceiver) => r.requests.map((q) => (JSON.parse(q.body) as NotificationJson).title);

describe('outbox', { timeout: 60_000 }, () => {
  test('receiver down → kept (0600, no secret, no URL) → receiver up → flush delivers exactly once and removes it', async () => {
    const { log, text } = capturedLogger();
    await Promise.all([http.stop(), slack.stop(), smtp.stop()]);
    const outcomes = await notifierFor(config(), 'production', log, { timeoutMs: 2_000 }).deliver(sampleNotification());
    assert.deepEqual(outcomes.map((o) => [o.sink, o.ok, o.ok ? null : o.kept]), [['log', true, null], ['slack', false, true], ['webhook', false, true], ['email', false, true]]);

    const files = kept();
    assert.equal(files.length, 3);
    assert.match(files.join(' '), /^\d{8}T\d{9}Z-[0-9a-f]{8}\.email\.json \S+\.slack\.json \S+\.webhook\.json$/);
    assert.equal(statSync(outboxDir()).mode & 0o777, 0o700);
    for (const f of files) {
      const path = join(outboxDir(), f);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const body = readFileSync(path, 'utf8');
      assert.ok(!body.includes('127.0.0.1'), 'the destination is not stored');
      const entry = JSON.parse(body) as { sink: string; attempts: number; lastError: string; notification: NotificationJson };
      assert.deepEqual(Object.keys(entry).sort(), ['attempts', 'id', 'keptAt', 'lastAttemptAt', 'lastError', 'notification', 'sink', 'version']);
      assert.equal(entry.attempts, 1);
      assert.match(entry.lastError, /connection refused/);
      assert.equal(entry.notification.deploymentId, 'd-test-1');
    }

    await Promise.all([http.start(), slack.start(), smtp.start()]);
    const notifier = notifierFor(config(), 'production', log, { timeoutMs: 2_000 });
    const result = await notifier.flush();
    assert.deepEqual([result.delivered, result.failed, result.waiting, result.dropped], [3, 0, 0, 0]);
    assert.deepEqual(kept(), []);
    assert.equal(http.requests.length, 1);
    assert.equal(slack.requests.length, 1);
    assert.equal(smtp.messages.length, 1);
    assert.equal((await notifier.flush()).delivered, 0, 'nothing is sent twice');
    assert.equal(http.requests.length + slack.requests.length + smtp.messages.length, 3);
    for (const f of filesUnder(root.root)) assertNoSecret(`${f.path}\n${f.text}`, f.path);
    assertNoSecret(text(), 'the log');
  });

  test('oldest first; a new notification waits behind the kept ones; still failing keeps attempts and last error', async () => {
    const { log } = capturedLogger();
    await http.stop();
    const notifier = notifierFor(notifyConfig(root, { webhook: http.url() }), 'production', log, { timeoutMs: 2_000 });
    const base = Date.now() - 60_000;
    for (const i of [1, 2, 3]) await notifier.deliver(sampleNotification({ title: `event ${i}`, at: new Date(base + i * 1000) }), { flushFirst: false });
    const again = await notifier.flush();
    assert.deepEqual([again.delivered, again.failed, again.waiting], [0, 1, 2], 'a sink that does not answer is tried once per flush');
    const first = JSON.parse(readFileSync(join(outboxDir(), kept()[0]!), 'utf8')) as { attempts: number; lastError: string };
    assert.equal(first.attempts, 2);
    assert.match(first.lastError, /^webhook: connection refused/);

    await http.start();
    await notifier.deliver(sampleNotification({ title: 'event 4' }));
    assert.deepEqual(titles(http), ['event 1', 'event 2', 'event 3', 'event 4']);
    assert.deepEqual(kept(), []);
  });

  test('a rotated webhook URL: kept deliveries go to the URL configured at flush time', async () => {
    const { log } = capturedLogger();
    await http.stop();
    await notifierFor(notifyConfig(root, { webhook: http.url() }), 'production', log).deliver(sampleNotification({ title: 'kept before rotation' }));
    const rotated = await startHttpReceiver();
    try {
      const result = await notifierFor(notifyConfig(root, { webhook: rotated.url('/new-hook') }), 'production', log).flush();
      assert.equal(result.delivered, 1);
      assert.deepEqual(titles(rotated), ['kept before rotation']);
    } finally {
      await rotated.stop();
      await http.start();
    }
  });

  test('a sink not configured here waits; past the keep period a delivery is dropped, logged and written to the notifications log', async () => {
    const { log, text } = capturedLogger();
    await http.stop();
    await notifierFor(notifyConfig(root, { webhook: http.url() }), 'production', log).deliver(sampleNotification({ title: 'never delivered' }));
    const withoutWebhook = await notifierFor(notifyConfig(root, {}), 'production', log).flush();
    assert.deepEqual([withoutWebhook.waiting, withoutWebhook.dropped], [1, 0]);
    assert.equal(kept().length, 1);

    const later = { now: () => new Date(Date.now() + 3 * 86_400_000) };
    const dropped = await notifierFor(notifyConfig(root, { webhook: http.url(), keepDays: 2 }), 'production', log, { clock: later }).flush();
    assert.deepEqual([dropped.dropped, dropped.delivered], [1, 0]);
    assert.deepEqual(kept(), []);
    const lines = readFileSync(join(root.appDir, 'logs', 'notifications.log'), 'utf8').trim().split('\n');
    assert.match(lines.at(-1)!, /^\[[\d: -]+\] \[ERROR\] notification to webhook dropped from the outbox after 2 days and 1 attempts \(last error: webhook: connection refused \(ECONNREFUSED\)\): \[ROLLBACK_SUCCESS\] never delivered \[environment=production deployment=d-test-1\]$/);
    assert.match(text(), /"level":"error".*dropped from the outbox/);
    await http.start();
  });

  test('two flushes at once send each delivery once; a flush is bounded per call', async () => {
    const { log } = capturedLogger();
    await http.stop();
    const notifier = notifierFor(notifyConfig(root, { webhook: http.url() }), 'production', log);
    for (const i of [1, 2, 3, 4, 5]) await notifier.deliver(sampleNotification({ title: `event ${i}` }), { flushFirst: false });
    await http.start();
    const bounded = await notifier.flush({ maxDeliveries: 2 });
    assert.deepEqual([bounded.delivered, bounded.waiting], [2, 3]);
    const [a, b] = await Promise.all([notifier.flush(), notifierFor(notifyConfig(root, { webhook: http.url() }), 'production', log).flush()]);
    assert.equal(a.delivered + b.delivered, 3);
    assert.ok(a.busy || b.busy || a.delivered === 0 || b.delivered === 0);
    assert.deepEqual(titles(http), ['event 1', 'event 2', 'event 3', 'event 4', 'event 5']);
  });

  test('a message the receiver refuses (HTTP 400) does not block those behind it; a 503 stops the sink until the next flush', async () => {
    const { log } = capturedLogger();
    await http.stop();
    const notifier = notifierFor(notifyConfig(root, { webhook: http.url() }), 'production', log);
    for (const i of [1, 2, 3]) await notifier.deliver(sampleNotification({ title: `event ${i}` }), { flushFirst: false });
    await http.start();
    http.answer.statusFor = (body) => (body.includes('event 1') ? 400 : 200);
    const r = await notifier.flush();
    assert.deepEqual([r.delivered, r.failed, r.waiting], [2, 1, 0]);
    assert.equal(kept().length, 1);

    http.answer.statusFor = () => 503;
    await notifier.deliver(sampleNotification({ title: 'event 4' }), { flushFirst: false });
    const down = await notifier.flush();
    assert.deepEqual([down.delivered, down.failed, down.waiting], [0, 1, 1]);
    assert.match(down.down.get('webhook') ?? '', /^webhook: HTTP 503/);
  });

  test('kept Slack deliveries go out about one a second, the pace of an incoming webhook', async () => {
    const { log } = capturedLogger();
    await slack.stop();
    const notifier = notifierFor(notifyConfig(root, { slack: slack.url('') }), 'production', log);
    for (const i of [1, 2, 3]) await notifier.deliver(sampleNotification({ title: `event ${i}` }), { flushFirst: false });
    await slack.start();
    assert.equal((await notifier.flush()).delivered, 3);
    const at = slack.requests.map((q) => q.at);
    for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 900, `sent ${at[i]! - at[i - 1]!} ms apart`);
  });
});
