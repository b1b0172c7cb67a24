/** A ripcord.yml-shaped config for notification tests, a temp root per test, and a logger read back. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ripcordConfigSchema, type RipcordConfig } from '../../src/config/schema.js';
import type { Notification } from '../../src/domain/ports.js';
import { createLogger, type Logger } from '../../src/log/logger.js';

// Secrets in the shapes they take: a Slack webhook's last segment, a webhook query token, an SMTP password.
export const SLACK_SECRET = 'Zq8LmN4pR2sT6vW9xY1aB3cD';
export const WEBHOOK_TOKEN = 'wh-tok-7f3a9c2e1b';
export const SMTP_PASSWORD = 'smtp-hunter2-pass';
export const SECRETS = [SLACK_SECRET, WEBHOOK_TOKEN, SMTP_PASSWORD];

export interface NotifyRoot { root: string; appDir: string; stateDir: string; cleanup(): void }

export function tempNotifyRoot(): NotifyRoot {
  const root = mkdtempSync(join(tmpdir(), 'ripcord-notify-'));
  return { root, appDir: join(root, 'app'), stateDir: join(root, 'state'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Destinations { slack?: string; webhook?: string; smtpPort?: number; logFile?: string; keepDays?: number }

/** Slack and webhook URLs carry their secret the way real ones do; SMTP authenticates with a password. */
export function notifyConfig(r: NotifyRoot, d: Destinations): RipcordConfig {
  return ripcordConfigSchema.parse({
    stateDir: r.stateDir,
    environments: {
      production: {
        appDir: r.appDir,
        database: { url: 'postgres://app@127.0.0.1:5432/app' },
        backups: { dir: join(r.root, 'backups') },
        health: { url: 'http://127.0.0.1:9/health/' },
        notifications: {
          ...(d.logFile ? { logFile: d.logFile } : {}),
          slackWebhookUrl: d.slack ? `${d.slack}/services/T0ABC1234/B0DEF5678/${SLACK_SECRET}` : null,
          webhookUrl: d.webhook ? `${d.webhook}?token=${WEBHOOK_TOKEN}` : null,
          email: d.smtpPort ? { to: ['ops@example.com', 'lead@example.com'], from: 'ripcord@example.com', smtpUrl: `smtp://ripcord:${SMTP_PASSWORD}@127.0.0.1:${d.smtpPort}` } : null,
          ...(d.keepDays ? { outboxKeepDays: d.keepDays } : {}),
        },
      },
    },
  });
}

/** A logger whose every line is kept, to prove no secret reaches it. */
export function capturedLogger(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  const log = createLogger({ name: 'ripcord-test', level: 'debug', stdout: false, streams: [{ write: (l: string) => { lines.push(l); } }] });
  return { log, text: () => lines.join('') };
}

export function sampleNotification(over: Partial<Notification> = {}): Notification {
  return {
    level: 'ROLLBACK_SUCCESS',
    title: 'Deploy of v1.0.4 to production failed and was rolled back to abc123def456',
    text: 'Reason: health check: GET /health/ returned 503 5 times (expected 200)',
    environment: 'production',
    deploymentId: 'd-test-1',
    fields: { ref: 'v1.0.4', previous: 'abc123def4567890', target: 'fed987cba654', backup: 'predeploy_backup_20261125_030000.dump' },
    at: new Date(),
    ...over,
  };
}

/** Every file's text under `dir`, recursively, with its name: for "no secret on disk". */
export function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

export function assertNoSecret(text: string, where: string): void {
  for (const s of SECRETS) if (text.includes(s)) throw new Error(`secret ${s} found in ${where}`);
}
