/**
 * How a notification reads in every sink: the notifications log line (the old script's format),
 * the email, the webhook JSON, and the Slack payload within Slack's limits. No secret in any of them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emailBody, emailSubject, MAX_SUBJECT_CHARS, NOTIFICATION_LEVELS, notificationFromJson, notificationJson,
  notificationLogLine, sanitizeNotification,
} from '../../src/domain/notification-format.js';
import type { Notification, NotificationLevel } from '../../src/domain/ports.js';
import {
  blocksChars, escapeMrkdwn, LEVEL_COLORS, MAX_BLOCKS_CHARS, slackWebhookPayload, type SlackBlock,
} from '../../src/notify/slack-webhook-payload.js';
import {
  MAX_BLOCKS_PER_MESSAGE, MAX_HEADER_TEXT_CHARS, MAX_MESSAGE_TEXT_CHARS, MAX_SECTION_FIELD_CHARS, MAX_SECTION_FIELDS, MAX_SECTION_TEXT_CHARS,
} from '../../src/slack/limits.js';

const AT = new Date(2026, 10, 25, 3, 4, 5); // local time, as the log line prints it

function sample(level: NotificationLevel, over: Partial<Notification> = {}): Notification {
  return {
    level,
    title: 'Deploy v1.0.4 to production failed and was rolled back to abc123def456',
    text: 'Reason: health check: GET /health/ returned 503 5 times (expected 200)\nproduction runs abc123def456 again.',
    environment: 'production',
    deploymentId: 'd-20261125-0304-x1',
    fields: { ref: 'v1.0.4', previous: 'abc123def4567890', target: 'fed987', backup: 'predeploy_backup_20261125_030000.dump' },
    at: AT,
    ...over,
  };
}

const SLACK_SECRET = 'Zq8LmN4pR2sT6vW9xY1aB3cD';
const SMTP_PASSWORD = 'smtp-hunter2-pass';
const TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
const leaky = sample('ERROR', {
  title: `webhook https://hooks.slack.com/services/T0ABC/B0DEF/${SLACK_SECRET} refused`,
  text: `smtp://ripcord:${SMTP_PASSWORD}@mail.internal:587 said no; token ${TOKEN}`,
  fields: { url: `https://ops.example.com/hook?token=${SLACK_SECRET}` },
});

function assertNoSecret(text: string): void {
  for (const s of [SLACK_SECRET, SMTP_PASSWORD, TOKEN, 'hunter2', 'AbCdEfGh']) assert.ok(!text.includes(s), `secret leaked: ${s} in\n${text}`);
}

describe('notifications log line', () => {
  test('the old format: [YYYY-MM-DD HH:MM:SS] [LEVEL] message, one line, facts greppable', () => {
    const line = notificationLogLine(sample('ROLLBACK_SUCCESS'));
    assert.match(line, /^\[2026-11-25 03:04:05\] \[ROLLBACK_SUCCESS\] Deploy v1\.0\.4 to production failed .*: Reason: health check.* production runs abc123def456 again\. \[environment=production deployment=d-20261125-0304-x1 ref=v1\.0\.4 previous=abc123def4567890 target=fed987 backup=predeploy_backup_20261125_030000\.dump\]\n$/);
    assert.equal(line.split('\n').length, 2, 'exactly one line');
  });

  test('every level prints as its own bracketed word', () => {
    for (const level of NOTIFICATION_LEVELS) assert.ok(notificationLogLine(sample(level)).includes(` [${level}] `));
  });
});

describe('email', () => {
  test('subject has level words, environment and title; body has text, facts and the time', () => {
    const n = sample('ROLLBACK_FAILED');
    assert.equal(emailSubject(n), `[Ripcord] Rollback FAILED in production: ${n.title}`);
    const body = emailBody(n);
    assert.match(body, /^ROLLBACK_FAILED: Deploy v1\.0\.4/);
    assert.match(body, /Reason: health check/);
    assert.match(body, /^deployment: +d-20261125-0304-x1$/m);
    assert.match(body, /^backup: +predeploy_backup_20261125_030000\.dump$/m);
    assert.match(body, new RegExp(`^at: +${AT.toISOString().replace(/\./g, '\\.')}$`, 'm'));
  });

  test('a long title is cut to one short header line', () => {
    const subject = emailSubject(sample('INFO', { title: `line one\n${'x'.repeat(500)}` }));
    assert.ok(subject.length <= MAX_SUBJECT_CHARS);
    assert.ok(!subject.includes('\n'));
  });
});

describe('webhook JSON', () => {
  test('the notification itself, time as ISO, and back again for the outbox', () => {
    const n = sample('WARNING');
    const json = notificationJson(n);
    assert.deepEqual(json, { source: 'ripcord', level: 'WARNING', title: n.title, text: n.text, environment: 'production', deploymentId: n.deploymentId, fields: n.fields, at: AT.toISOString() });
    assert.deepEqual(notificationFromJson(JSON.parse(JSON.stringify(json))), n);
    assert.equal(notificationFromJson({ ...json, level: 'LOUD' }), null);
    assert.equal(notificationFromJson({ ...json, at: 'yesterday' }), null);
  });
});

function allText(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : [...(b.text ? [b.text.text] : []), ...(b.type === 'section' ? (b.fields ?? []).map((f) => f.text) : [])]));
}

function assertWithinSlackLimits(n: Notification): void {
  const payload = slackWebhookPayload(n);
  const blocks = payload.attachments[0].blocks;
  assert.ok(blocks.length <= MAX_BLOCKS_PER_MESSAGE);
  assert.ok(payload.text.length <= MAX_MESSAGE_TEXT_CHARS && payload.text.length > 0, 'a text fallback');
  assert.ok(blocksChars(payload) <= MAX_BLOCKS_CHARS, `blocks are ${blocksChars(payload)} chars`);
  for (const b of blocks) {
    if (b.type === 'header') assert.ok(b.text.text.length <= MAX_HEADER_TEXT_CHARS);
    if (b.type === 'section' && b.text) assert.ok(b.text.text.length <= MAX_SECTION_TEXT_CHARS);
    if (b.type === 'section' && b.fields) {
      assert.ok(b.fields.length <= MAX_SECTION_FIELDS);
      for (const f of b.fields) assert.ok(f.text.length <= MAX_SECTION_FIELD_CHARS && f.text.length > 0);
    }
  }
}

describe('Slack webhook payload', () => {
  test('colour per level, a header, the text, facts as fields, and a fallback text', () => {
    const expected: Record<NotificationLevel, string> = { INFO: '#439FE0', SUCCESS: 'good', WARNING: 'warning', ERROR: 'danger', ROLLBACK_SUCCESS: 'warning', ROLLBACK_FAILED: 'danger' };
    assert.deepEqual(LEVEL_COLORS, expected);
    const payload = slackWebhookPayload(sample('ROLLBACK_FAILED'));
    assert.equal(payload.attachments[0].color, 'danger');
    assert.match(payload.text, /\[ROLLBACK_FAILED\] production: Deploy v1\.0\.4/);
    const [header, body, facts, context] = payload.attachments[0].blocks;
    assert.equal(header?.type, 'header');
    assert.match(header?.type === 'header' ? header.text.text : '', /^Rollback FAILED: Deploy/);
    assert.match(body?.type === 'section' ? body.text?.text ?? '' : '', /Reason: health check/);
    assert.deepEqual(facts?.type === 'section' ? facts.fields?.map((f) => f.text.split('\n')[0]) : [], ['*environment*', '*deployment*', '*ref*', '*previous*', '*target*', '*backup*']);
    assert.equal(context?.type, 'context');
    assertWithinSlackLimits(sample('ROLLBACK_FAILED'));
  });

  test('huge, quote-heavy and control-character input still fits every limit and the observed total', () => {
    // JSON doubles a quote: the worst case for the serialized total.
    for (const huge of ['"\\\n<&>\u0001'.repeat(5_000), '"'.repeat(10_000)]) {
      const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`"field-${i}-${'"'.repeat(100)}`, huge]));
      for (const level of NOTIFICATION_LEVELS) assertWithinSlackLimits(sample(level, { title: huge, text: huge, environment: huge, deploymentId: huge, fields }));
    }
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field-${i}`, 'v']));
    const payload = slackWebhookPayload(sample('INFO', { fields }));
    const last = payload.attachments[0].blocks.at(-2);
    assert.match(last?.type === 'section' ? last.fields?.at(-1)?.text ?? '' : '', /and \d+ more in the notifications log/);
  });

  test('mrkdwn control characters from outside cannot ping a channel or forge a link', () => {
    const payload = slackWebhookPayload(sample('ERROR', { text: 'boom <!channel> <https://evil.example|click> & more' }));
    const texts = allText(payload.attachments[0].blocks).join('\n');
    assert.ok(!texts.includes('<!channel>') && !texts.includes('<https://evil'));
    assert.ok(texts.includes('&lt;!channel&gt;') && texts.includes('&amp; more'));
    assert.equal(escapeMrkdwn('a<b>&c'), 'a&lt;b&gt;&amp;c');
  });
});

describe('no secret in any output', () => {
  test('sanitized notifications carry no secret into the log line, email, webhook JSON or Slack payload', () => {
    const n = sanitizeNotification(leaky);
    const outputs = [notificationLogLine(n), emailSubject(n), emailBody(n), JSON.stringify(notificationJson(n)), JSON.stringify(slackWebhookPayload(n))];
    for (const out of outputs) assertNoSecret(out);
    assert.match(n.title, /hooks\.slack\.com\/services\/T0ABC\/B0DEF\/\*\*\*/, 'the readable part stays');
  });

  test('the log line masks even an unsanitized notification', () => {
    assertNoSecret(notificationLogLine(leaky));
  });
});
