/**
 * `ripcord notify test|flush` and the notification of a deploy, as an operator runs them: the real
 * CLI in a child process, a ripcord.yml in a temp dir, real receivers on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { NotificationJson } from '../../src/domain/notification-format.js';
import type { SlackWebhookPayload } from '../../src/notify/slack-webhook-payload.js';
import { ripcord } from '../support/cli.js';
import { assertNoSecret, notifyConfig, type NotifyRoot } from '../support/notify-fixtures.js';
import { openTestbed, type HttpReceiver, type SmtpReceiver, type Testbed } from '../support/notify-receivers.js';

let bed: Testbed, root: NotifyRoot, http: HttpReceiver, slack: HttpReceiver, smtp: SmtpReceiver;
let configPath: string;

beforeEach(async () => {
  bed = await openTestbed();
  ({ root, http, slack, smtp } = bed);
  configPath = join(root.root, 'ripcord.yml');
  // The parsed config is valid YAML input too: defaults written out change nothing.
  writeFileSync(configPath, stringify(notifyConfig(root, { slack: slack.url(''), webhook: http.url(), smtpPort: smtp.port })));
});

afterEach(() => bed.close());

const outbox = () => { try { return readdirSync(join(root.stateDir, 'outbox', 'production')); } catch { return []; } };

describe('ripcord notify', { timeout: 120_000 }, () => {
  test('notify test: one line per sink, the failing one with its fix, exit 1; nothing kept; no secret printed', async () => {
    await slack.stop();
    const r = await ripcord(['--config', configPath, 'notify', 'test']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^  ✔ log file +${join(root.appDir, 'logs', 'notifications.log').replace(/[.]/g, '\\.')}$`));
    assert.match(r.stdout, /^ {2}✗ slack +slack: connection refused \(ECONNREFUSED\) — check notifications\.slackWebhookUrl \(SLACK_WEBHOOK_URL\)$/m);
    assert.match(r.stdout, /^ {2}✔ webhook +delivered$/m);
    assert.match(r.stdout, /^ {2}✔ email +delivered$/m);
    assert.equal(smtp.messages.length, 1);
    assert.equal((JSON.parse(http.requests[0]!.body) as NotificationJson).level, 'INFO');
    assert.deepEqual(outbox(), [], 'a test is not kept for later');
    assertNoSecret(r.stdout + r.stderr, 'CLI output');

    await slack.start();
    const ok = await ripcord(['--config', configPath, 'notify', 'test', '--env', 'production', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), [{ sink: 'log', ok: true }, { sink: 'slack', ok: true }, { sink: 'webhook', ok: true }, { sink: 'email', ok: true }]);
  });

  test('a refused deploy is notified as a WARNING; Slack down keeps it; notify flush sends it once', async () => {
    await slack.stop();
    mkdirSync(join(root.stateDir, 'locks'), { recursive: true });
    mkdirSync(root.appDir, { recursive: true });
    // Held by this live test process: the deploy is refused before anything runs.
    writeFileSync(join(root.stateDir, 'locks', 'production.lock'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), operation: 'deploy v0.9 by test', deploymentId: 'd-held' }));
    const r = await ripcord(['--config', configPath, 'deploy', 'v1.0.0', '--yes']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /note: notification not delivered to slack \(slack: connection refused \(ECONNREFUSED\)\); kept, run `ripcord notify flush --env production` later/);
    const hook = JSON.parse(http.requests[0]!.body) as NotificationJson;
    assert.equal(hook.level, 'WARNING');
    assert.equal(hook.title, 'Deploy of v1.0.0 to production refused: nothing changed');
    assert.match(hook.text, /locked|lock/);
    assert.match(readFileSync(join(root.appDir, 'logs', 'notifications.log'), 'utf8'), /\[WARNING\] Deploy of v1\.0\.0 to production refused/);
    assert.equal(outbox().length, 1);

    const still = await ripcord(['--config', configPath, 'notify', 'flush']);
    assert.equal(still.code, 1);
    assert.match(still.stdout, /^delivered 0, still kept 1, dropped 0 \(outbox .*\)$/m);
    assert.match(still.stdout, /slack did not answer: slack: connection refused/);

    await slack.start();
    const f = await ripcord(['--config', configPath, 'notify', 'flush', '--env', 'production']);
    assert.equal(f.code, 0, f.stderr);
    assert.match(f.stdout, /^delivered 1, still kept 0, dropped 0 /);
    assert.equal(slack.requests.length, 1);
    assert.match((JSON.parse(slack.requests[0]!.body) as SlackWebhookPayload).text, /\[WARNING\] production: Deploy of v1\.0\.0/);
    assert.deepEqual(outbox(), []);
    assertNoSecret(r.stdout + r.stderr + f.stdout + f.stderr + still.stdout, 'CLI output');
  });
});
