/**
 * The pure redaction rules: what is masked, what must stay readable, and that structured values
 * are copied, never changed in place.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, isSecretKey, redactJsonText, redactSecrets, redactString } from '../../src/domain/redact.js';
import { RipcordError } from '../../src/domain/errors.js';

describe('redactString', () => {
  const masked: Array<[string, string]> = [
    ['postgres://app:hunter2@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['postgresql://app:p@ss:w0rd@db/app?sslmode=require', 'postgresql://app:***@db/app?sslmode=require'],
    ['redis://:s3cret@127.0.0.1:6379/0', 'redis://:***@127.0.0.1:6379/0'],
    ['smtp://mailer:pw1234@smtp.example.com:587', 'smtp://mailer:***@smtp.example.com:587'],
    ['could not connect to "postgres://a:b@h/db"', 'could not connect to "postgres://a:***@h/db"'],
    ['https://hooks.slack.com/services/T0001/B0002/abcDEF123ghi', 'https://hooks.slack.com/services/T0001/B0002/***'],
    ['https://hooks.slack.com/triggers/T0001/12345/0a1b2c3d4e', 'https://hooks.slack.com/triggers/T0001/12345/***'],
    ['bot xoxb-123-456-AbCdEf, user xoxp-1-2-3-ab, app xapp-1-A1-2-ff', 'bot xoxb-***, user xoxp-***, app xapp-***'],
    ['rotating xoxe.xoxb-1-MTIzNDU2 refresh xoxe-1-My0xLTI', 'rotating xoxe.xoxb-*** refresh xoxe-***'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', 'Authorization: Bearer ***'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic ***'],
    ['https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/o/r.git', 'https://ghp_***@github.com/o/r.git'],
    ['PGPASSWORD=hunter2 pg_dump -Fc app', 'PGPASSWORD=*** pg_dump -Fc app'],
    ["host=db user=app password='two words' dbname=app", "host=db user=app password='***' dbname=app"],
    ['https://ops.example.com/hook?token=abc123&team=ops', 'https://ops.example.com/hook?token=***&team=ops'],
    ['SLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5', 'SLACK_SIGNING_SECRET=***'],
    ['response {"client_secret": "s p a c e", "ok": false}', 'response {"client_secret": "***", "ok": false}'],
  ];
  for (const [input, expected] of masked) {
    test(`masks ${input.slice(0, 48)}`, () => {
      assert.equal(redactString(input), expected);
      assert.equal(redactString(expected), expected, 'applying it again changes nothing');
    });
  }

  test('leaves text without secrets exactly as it was', () => {
    const plain = [
      'http://127.0.0.1:8000/health/ returned 503',
      'postgres://app@db:5432/app',
      'checked out 3f2a9c1d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1',
      'set the Bearer token in health.headers.Authorization',
      'backup_20240101_020000.sql.gz verified (sha256 9f86d081884c7d65)',
      'user@example.com was paged; tokens=3',
      'slack signing secret is missing — set SLACK_SIGNING_SECRET',
    ];
    for (const s of plain) assert.equal(redactString(s), s);
  });
});

describe('redactJsonText', () => {
  test('masks inside string literals and keeps the JSON valid', () => {
    const line = JSON.stringify({ msg: 'password="a b" then \\ "quoted"', url: 'postgres://u:p@h/d', n: 1 });
    const out = redactJsonText(line);
    assert.deepEqual(JSON.parse(out), { msg: 'password="***" then \\ "quoted"', url: 'postgres://u:***@h/d', n: 1 });
    assert.equal(redactJsonText('{"a":"nothing here","b":[1,2]}'), '{"a":"nothing here","b":[1,2]}');
  });
});

describe('isSecretKey', () => {
  test('matches secret key endings in any spelling, not look-alikes', () => {
    for (const k of ['password', 'PGPASSWORD', 'botToken', 'SLACK_APP_TOKEN', 'signingSecret', 'Authorization', 'x-api-key', 'set-cookie']) {
      assert.ok(isSecretKey(k), k);
    }
    for (const k of ['databaseUrl', 'tokens', 'user', 'passed', 'secretsDir', 'stage']) assert.ok(!isSecretKey(k), k);
  });
});

describe('redactSecrets', () => {
  test('masks secret keys at any depth and secret text anywhere, without touching the input', () => {
    const input = {
      deployment: 'dep-1',
      slack: { botToken: 'xoxb-1-2-abc', signingSecret: 'abc', socketMode: true, appToken: null },
      levels: [{ contacts: { password: 'x' } }, 'see postgres://u:pw@h/db'],
      a: { b: { c: { d: { e: { f: { token: 'deep' } } } } } },
      at: new Date(0),
      where: new URL('https://user:pw@example.com/x'),
    };
    const before = structuredClone({ ...input, where: input.where.href });
    const out = redactSecrets(input) as typeof input & { where: string };
    assert.deepEqual(out.slack, { botToken: REDACTED, signingSecret: REDACTED, socketMode: true, appToken: null });
    assert.deepEqual(out.levels, [{ contacts: { password: REDACTED } }, 'see postgres://u:***@h/db']);
    assert.equal(out.a.b.c.d.e.f.token, REDACTED);
    assert.equal(out.at, input.at);
    assert.equal(out.where, 'https://user:***@example.com/x');
    assert.deepEqual({ ...input, where: input.where.href }, before);
  });

  test('errors keep their class, fix and cause; cycles and depth do not hang', () => {
    const error = new RipcordError('unavailable', 'dump of postgres://a:pw@h/db failed', 'check PGPASSWORD=pw', 1, {
      cause: new Error('xoxb-9-9-secret'),
    });
    const out = redactSecrets(error) as RipcordError;
    assert.ok(out instanceof RipcordError);
    assert.equal(out.describe(), 'dump of postgres://a:***@h/db failed — check PGPASSWORD=***');
    assert.equal((out.cause as Error).message, 'xoxb-***');
    assert.ok(!String(out.stack).includes(':pw@'));
    assert.equal(Object.keys(out).includes('message'), false, 'message stays non-enumerable');

    const cyclic: Record<string, unknown> = { name: 'loop', password: 'x' };
    cyclic.self = cyclic;
    const copy = redactSecrets(cyclic) as Record<string, unknown>;
    assert.equal(copy.self, copy);
    assert.equal(copy.password, REDACTED);
  });
});
