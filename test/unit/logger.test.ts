/**
 * The logger, read back from what pino really wrote: no secret substring may reach a destination,
 * and the parts people need (user, host, IDs, token kind) must still be there.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log/logger.js';
import type { CreateLoggerOptions, Logger } from '../../src/log/logger.js';
import { RipcordError } from '../../src/domain/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ripcord-logger-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A logger writing only to its own temp file (synchronously, so the file is complete on return). */
function fileLogger(options: Partial<CreateLoggerOptions> = {}): { log: Logger; read: () => string; lines: () => Record<string, unknown>[] } {
  const file = join(dir, `nested-${++files}`, 'ripcord.log');
  const log = createLogger({ name: 'ripcord-test', stdout: false, file, ...options });
  const read = () => readFileSync(file, 'utf8');
  return { log, read, lines: () => read().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

// Secrets in the shapes they really take; each must be absent from every byte written.
const BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
const APP_TOKEN = 'xapp-1-A0123ABCD-4567890123-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DB_PASSWORD = 'Pg-s3cret-hunter2';
const DB_URL = `postgres://app:${DB_PASSWORD}@db.internal:5432/app`;
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoZWFsdGgifQ.c2lnbmF0dXJl';
const WEBHOOK_SECRET = 'Zq8LmN4pR2sT6vW9xY1aB3cD';
const WEBHOOK_URL = `https://hooks.slack.com/services/T0ABC1234/B0DEF5678/${WEBHOOK_SECRET}`;
const SECRETS = [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, DB_PASSWORD, BEARER, WEBHOOK_SECRET];

function assertNoSecrets(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `secret leaked: ${secret}\n${text}`);
  // Fragments too: a half-masked secret is still a leak.
  for (const fragment of ['hunter2', 'AbCdEfGh', 'Zq8LmN4p', 'c2lnbmF0dXJl']) assert.ok(!text.includes(fragment), `fragment leaked: ${fragment}`);
}

describe('createLogger redacts secrets in everything it writes', () => {
  test('structured fields: tokens, signing secret, DB URL, Authorization header, webhook URL', () => {
    const { log, read, lines } = fileLogger();
    log.info({
      slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, signingSecret: SIGNING_SECRET, socketMode: true },
      store: { databaseUrl: DB_URL },
      request: { method: 'GET', headers: { Authorization: `Bearer ${BEARER}`, accept: 'application/json' } },
      notifications: { slackWebhookUrl: WEBHOOK_URL },
      env: { PGPASSWORD: DB_PASSWORD, SLACK_BOT_TOKEN: BOT_TOKEN },
      deep: { a: { b: { c: { d: { password: DB_PASSWORD, note: `token ${BOT_TOKEN}` } } } } },
    }, 'config loaded');
    const text = read();
    assertNoSecrets(text);
    const [line] = lines();
    assert.ok(line);
    // What people need is still there.
    assert.equal((line.store as Record<string, unknown>).databaseUrl, 'postgres://app:***@db.internal:5432/app');
    assert.equal((line.notifications as Record<string, unknown>).slackWebhookUrl, 'https://hooks.slack.com/services/T0ABC1234/B0DEF5678/***');
    assert.equal((line.slack as Record<string, unknown>).socketMode, true);
    assert.equal((line.slack as Record<string, unknown>).botToken, '[REDACTED]');
    const request = line.request as { method: string; headers: Record<string, string> };
    assert.deepEqual(request, { method: 'GET', headers: { Authorization: '[REDACTED]', accept: 'application/json' } });
    assert.match(text, /"note":"token xoxb-\*\*\*"/);
    assert.equal(line.msg, 'config loaded');
  });

  test('secrets inside the message and printf arguments', () => {
    const { log, read, lines } = fileLogger();
    log.info(`pg_dump ${DB_URL} with Authorization: Bearer ${BEARER}`);
    log.warn('posting to %s using %s', WEBHOOK_URL, BOT_TOKEN);
    log.info({ attempt: 2 }, 'env PGPASSWORD=%s SLACK_APP_TOKEN=%s', DB_PASSWORD, APP_TOKEN);
    assertNoSecrets(read());
    const [first, second, third] = lines();
    assert.equal(first?.msg, 'pg_dump postgres://app:***@db.internal:5432/app with Authorization: Bearer ***');
    assert.equal(second?.msg, 'posting to https://hooks.slack.com/services/T0ABC1234/B0DEF5678/*** using xoxb-***');
    assert.equal(third?.msg, 'env PGPASSWORD=*** SLACK_APP_TOKEN=***');
    assert.equal(third?.attempt, 2);
  });

  test('an error whose message, stack, cause and fields carry a password URL', () => {
    const { log, read, lines } = fileLogger();
    const cause = new Error(`FATAL: could not connect to ${DB_URL}`);
    const error = new RipcordError('unavailable', `backup failed: ${DB_URL}`, 'start PostgreSQL and retry', 1, { cause });
    log.error(error);
    log.error({ err: error, deployment: 'd-42' }, 'stage failed');
    log.warn({ error, url: DB_URL }, 'retrying');
    const text = read();
    assertNoSecrets(text);
    const [bare, withMsg, otherKey] = lines();
    assert.equal(bare?.msg, 'backup failed: postgres://app:***@db.internal:5432/app');
    const err = bare?.err as Record<string, unknown>;
    assert.equal(err.type, 'RipcordError', 'the class name survives redaction');
    assert.equal(err.fix, 'start PostgreSQL and retry');
    assert.match(String(err.stack), /RipcordError: backup failed: postgres:\/\/app:\*\*\*@db\.internal/);
    assert.match(String(err.message), /could not connect to postgres:\/\/app:\*\*\*@db\.internal/, 'cause is redacted too');
    assert.equal(withMsg?.msg, 'stage failed');
    assert.equal(withMsg?.deployment, 'd-42');
    assert.equal(otherKey?.url, 'postgres://app:***@db.internal:5432/app');
    // The caller's plain error is untouched: redaction works on copies. (A RipcordError is clean
    // from the start: it redacts its own message where it is made.)
    assert.ok(cause.message.includes(DB_PASSWORD));
    assert.ok(!error.message.includes(DB_PASSWORD));
  });

  test('child bindings are redacted too, and every line stays valid JSON', () => {
    const { log, read, lines } = fileLogger();
    log.child({ slackToken: BOT_TOKEN, source: DB_URL }).info({ quoted: `password="${DB_PASSWORD}" and 'x'` }, 'bound');
    assertNoSecrets(read());
    const [line] = lines();
    assert.equal(line?.slackToken, '[REDACTED]');
    assert.equal(line?.source, 'postgres://app:***@db.internal:5432/app');
    assert.equal(line?.quoted, 'password="***" and \'x\'');
  });
});

describe('createLogger output', () => {
  test('child loggers carry deployment, env and stage on every line', () => {
    const { log, lines } = fileLogger();
    const deployment = log.child({ deployment: 'dep-7f3a', env: 'production' });
    deployment.info('queued');
    const stage = deployment.child({ stage: 'migrate' });
    stage.info({ durationMs: 1200 }, 'stage finished');
    stage.error('stage failed');
    const [queued, finished, failed] = lines();
    assert.deepEqual(pick(queued, 'deployment', 'env', 'stage', 'msg'), { deployment: 'dep-7f3a', env: 'production', msg: 'queued' });
    assert.deepEqual(pick(finished, 'deployment', 'env', 'stage', 'durationMs'), { deployment: 'dep-7f3a', env: 'production', stage: 'migrate', durationMs: 1200 });
    assert.equal(failed?.level, 'error');
    assert.equal(failed?.stage, 'migrate');
  });

  test('level filters lines; name, label level and ISO time are on each line; file is 0640', () => {
    const { log, lines } = fileLogger({ level: 'warn' });
    log.info('dropped');
    log.warn('kept');
    log.level = 'debug';
    log.debug('now kept');
    const written = lines();
    assert.deepEqual(written.map((l) => l.msg), ['kept', 'now kept']);
    assert.equal(written[0]?.name, 'ripcord-test');
    assert.equal(written[0]?.level, 'warn');
    assert.match(String(written[0]?.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const file = join(dir, `nested-${files}`, 'ripcord.log');
    assert.equal(statSync(file).mode & 0o777, 0o640);
  });

  test('extra streams receive the same redacted lines as the file', () => {
    const captured: string[] = [];
    const { log, read } = fileLogger({ streams: [{ write: (s: string) => void captured.push(s) }] });
    log.info({ token: BOT_TOKEN }, 'to both');
    assert.equal(captured.join(''), read());
    assertNoSecrets(captured.join(''));
  });
});

function pick(line: Record<string, unknown> | undefined, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => line?.[k] !== undefined).map((k) => [k, line?.[k]]));
}
