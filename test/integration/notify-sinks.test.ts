/**
 * Every sink against a real receiver on 127.0.0.1: email through nodemailer to an SMTP server,
 * the generic webhook and the Slack incoming webhook to a node:http server, the notifications log
 * file. A failing sink (refused, hanging, non-2xx) blocks none of the others.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { notificationJson } from '../../src/domain/notification-format.js';
import { notifierFor } from '../../src/notify/index.js';
import { blocksChars, MAX_BLOCKS_CHARS, type SlackWebhookPayload } from '../../src/notify/slack-webhook-payload.js';
import { MAX_BLOCKS_PER_MESSAGE } from '../../src/slack/limits.js';
import {
  assertNoSecret, capturedLogger, filesUnder, notifyConfig, sampleNotification, SLACK_SECRET, SMTP_PASSWORD, WEBHOOK_TOKEN, type NotifyRoot,
} from '../support/notify-fixtures.js';
import { openTestbed, readableMail, type HttpReceiver, type SmtpReceiver, type Testbed } from '../support/notify-receivers.js';

let bed: Testbed, root: NotifyRoot, http: HttpReceiver, slack: HttpReceiver, smtp: SmtpReceiver;

beforeEach(async () => ({ root, http, slack, smtp } = bed = await openTestbed()));

afterEach(() => bed.close());

const allUp = () => notifyConfig(root, { slack: slack.url(''), webhook: http.url(), smtpPort: smtp.port });

describe('sinks', { timeout: 60_000 }, () => {
  test('email: nodemailer delivers to the SMTP server with subject, body and every recipient', async () => {
    const { log } = capturedLogger();
    const outcomes = await notifierFor(allUp(), 'production', log).deliver(sampleNotification({ level: 'ROLLBACK_FAILED' }));
    assert.ok(outcomes.every((o) => o.ok), JSON.stringify(outcomes));
    assert.equal(smtp.messages.length, 1);
    const mail = smtp.messages[0]!;
    assert.equal(mail.from, 'ripcord@example.com');
    assert.deepEqual(mail.to, ['ops@example.com', 'lead@example.com']);
    assert.equal(mail.user, 'ripcord');
    assert.equal(mail.password, SMTP_PASSWORD, 'the relay got the configured credentials');
    const { headers, body } = readableMail(mail.raw);
    assert.match(headers, /^Subject: \[Ripcord\] Rollback FAILED in production: Deploy of v1\.0\.4 to production failed and was rolled back to abc123def456\r?$/m);
    assert.match(headers, /^X-Ripcord-Level: ROLLBACK_FAILED\r?$/m);
    assert.match(headers, /^Importance: High\r?$/m);
    assert.match(body, /^Reason: health check: GET \/health\/ returned 503 5 times \(expected 200\)$/m);
    assert.match(body, /^deployment: +d-test-1$/m);
    assert.match(body, /^backup: +predeploy_backup_20261125_030000\.dump$/m);
  });

  test('webhook: the notification as JSON, Content-Type application/json; Slack: attachment + blocks within limits', async () => {
    const { log } = capturedLogger();
    const n = sampleNotification();
    await notifierFor(allUp(), 'production', log).deliver(n);
    assert.equal(http.requests.length, 1);
    const hook = http.requests[0]!;
    assert.equal(hook.method, 'POST');
    assert.equal(hook.path, `/hook?token=${WEBHOOK_TOKEN}`);
    assert.equal(hook.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(hook.body), notificationJson(n));

    assert.equal(slack.requests.length, 1);
    const post = slack.requests[0]!;
    assert.equal(post.path, `/services/T0ABC1234/B0DEF5678/${SLACK_SECRET}`);
    assert.equal(post.headers['content-type'], 'application/json');
    const payload = JSON.parse(post.body) as SlackWebhookPayload;
    assert.match(payload.text, /\[ROLLBACK_SUCCESS\] production: Deploy of v1\.0\.4/);
    assert.equal(payload.attachments[0].color, 'warning');
    assert.ok(payload.attachments[0].blocks.length <= MAX_BLOCKS_PER_MESSAGE);
    assert.ok(blocksChars(payload) <= MAX_BLOCKS_CHARS);
  });

  test('notifications log: the old line format, 0600, relative to appDir, written even when every remote sink fails', async () => {
    const { log } = capturedLogger();
    await Promise.all([http.stop(), slack.stop(), smtp.stop()]);
    const config = notifyConfig(root, { slack: slack.url(''), webhook: http.url(), smtpPort: smtp.port, logFile: 'var/notify.log' });
    const outcomes = await notifierFor(config, 'production', log, { timeoutMs: 2_000 }).deliver(sampleNotification());
    assert.deepEqual(outcomes.map((o) => [o.sink, o.ok]), [['log', true], ['slack', false], ['webhook', false], ['email', false]]);
    const path = join(root.appDir, 'var', 'notify.log');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[ROLLBACK_SUCCESS\] Deploy of v1\.0\.4 to production failed and was rolled back to abc123def456: Reason: health check.* \[environment=production deployment=d-test-1 ref=v1\.0\.4 /);
    await Promise.all([http.start(), slack.start(), smtp.start()]);
  });

  test('a refused, a hanging and a 500 sink do not block the one that works; each failure is kept', async () => {
    const { log, text } = capturedLogger();
    await slack.stop(); // connection refused
    http.answer.hang = true; // never answers: bounded by the timeout
    const started = Date.now();
    const outcomes = await notifierFor(allUp(), 'production', log, { timeoutMs: 1_500 }).deliver(sampleNotification());
    assert.ok(Date.now() - started < 5_000, 'bounded by the timeout, not by the slowest sink');
    assert.equal(smtp.messages.length, 1, 'email went out');
    const byName = Object.fromEntries(outcomes.map((o) => [o.sink, o]));
    assert.equal(byName.log?.ok, true);
    assert.equal(byName.email?.ok, true);
    assert.match(!byName.slack?.ok ? byName.slack?.error ?? '' : '', /^slack: connection refused \(ECONNREFUSED\)$/);
    assert.match(!byName.webhook?.ok ? byName.webhook?.error ?? '' : '', /^webhook: no answer within 1\.5 s \(timed out\)$/);

    http.answer.hang = false;
    http.answer.status = 500;
    http.answer.body = `boom token=${WEBHOOK_TOKEN}`;
    const again = await notifierFor(allUp(), 'production', log, { timeoutMs: 1_500 }).deliver(sampleNotification(), { flushFirst: false });
    const hook = again.find((o) => o.sink === 'webhook');
    assert.ok(hook && !hook.ok && hook.kept);
    assert.match(hook.error, /^webhook: HTTP 500: boom token=\*\*\*$/);

    const kept = filesUnder(join(root.stateDir, 'outbox', 'production')).map((f) => f.path.replace(/^.*\//, ''));
    assert.equal(kept.filter((f) => f.endsWith('.slack.json')).length, 2);
    assert.equal(kept.filter((f) => f.endsWith('.webhook.json')).length, 2);
    for (const f of filesUnder(root.root)) assertNoSecret(`${f.path}\n${f.text}`, f.path);
    assertNoSecret(text(), 'the log');
    await slack.start();
  });

  test('an SMTP refusal is a failed, kept email; Slack and the webhook still get theirs', async () => {
    const { log } = capturedLogger();
    smtp.refuseWith = 554;
    const outcomes = await notifierFor(allUp(), 'production', log).deliver(sampleNotification());
    const email = outcomes.find((o) => o.sink === 'email');
    assert.ok(email && !email.ok && email.kept);
    assert.match(email.error, /^email: the server answered 554: 554 message refused by policy$/);
    assert.equal(slack.requests.length, 1);
    assert.equal(http.requests.length, 1);
    assert.equal(smtp.messages.length, 0);
  });

  test('a notification with an invalid date is still delivered everywhere, stamped now', async () => {
    const { log } = capturedLogger();
    const outcomes = await notifierFor(allUp(), 'production', log).deliver(sampleNotification({ at: new Date('not a date') }));
    assert.ok(outcomes.every((o) => o.ok), JSON.stringify(outcomes));
    const at = Date.parse((JSON.parse(http.requests[0]!.body) as { at: string }).at);
    assert.ok(Math.abs(at - Date.now()) < 60_000);
  });
});
