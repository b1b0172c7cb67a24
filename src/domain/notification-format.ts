/**
 * How a Notification reads in each place it goes — the notifications log line, the email, the
 * webhook JSON — as pure functions, so every sink says the same thing and tests compare strings.
 * Slack's Block Kit lives in src/notify/slack-webhook-payload.ts (it needs Slack's limits).
 */
import { format } from 'date-fns';
import type { Notification, NotificationLevel } from './ports.js';
import { redactString } from './redact.js';

export const NOTIFICATION_LEVELS: readonly NotificationLevel[] = ['INFO', 'SUCCESS', 'WARNING', 'ERROR', 'ROLLBACK_SUCCESS', 'ROLLBACK_FAILED'];

/** Words for a level, for subjects and headings people scan. */
export const LEVEL_WORDS: Readonly<Record<NotificationLevel, string>> = {
  INFO: 'Info',
  SUCCESS: 'Succeeded',
  WARNING: 'Warning',
  ERROR: 'Failed',
  ROLLBACK_SUCCESS: 'Rolled back',
  ROLLBACK_FAILED: 'Rollback FAILED',
};

/** Whether people must act now: drives the email priority and the Slack colour. */
export function isUrgent(level: NotificationLevel): boolean {
  return level === 'ERROR' || level === 'ROLLBACK_FAILED';
}

/**
 * A copy whose every text went through `redactString`: callers build notifications from error
 * messages and command output, and a secret that slipped into one must not reach any sink.
 */
export function sanitizeNotification(n: Notification): Notification {
  const fields = n.fields
    ? Object.fromEntries(Object.entries(n.fields).map(([k, v]) => [redactString(k), redactString(v)]))
    : undefined;
  return {
    level: n.level,
    title: redactString(n.title),
    text: redactString(n.text),
    environment: redactString(n.environment),
    ...(n.deploymentId !== undefined ? { deploymentId: redactString(n.deploymentId) } : {}),
    ...(fields ? { fields } : {}),
    at: n.at,
  };
}

/** The facts shown as fields everywhere: environment and deployment first, then the caller's. */
export function notificationFacts(n: Notification): [string, string][] {
  const facts: [string, string][] = [['environment', n.environment]];
  if (n.deploymentId) facts.push(['deployment', n.deploymentId]);
  for (const [k, v] of Object.entries(n.fields ?? {})) if (v !== '') facts.push([k, v]);
  return facts;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/**
 * One line of logs/notifications.log in the old script's format, `[YYYY-MM-DD HH:MM:SS] [LEVEL]
 * message` (local time, like its `date`), so `grep '\[ROLLBACK_FAILED\]'` keeps working. The
 * message is "title: text", then the facts as key=value for grepping by deployment or SHA.
 */
export function notificationLogLine(n: Notification): string {
  return formatNotificationLogLine(n.at, n.level, notificationMessage(n));
}

export function formatNotificationLogLine(at: Date, level: string, message: string): string {
  return `[${format(at, 'yyyy-MM-dd HH:mm:ss')}] [${level}] ${oneLine(redactString(message))}\n`;
}

/** "title: text [environment=… deployment=… …]" on one line. */
export function notificationMessage(n: Notification): string {
  const facts = notificationFacts(n).map(([k, v]) => `${k}=${oneLine(v).replace(/\s+/g, '_')}`).join(' ');
  return `${oneLine(n.title)}${n.text ? `: ${oneLine(n.text)}` : ''} [${facts}]`;
}

/** Subjects longer than this are cut: mail clients show far less, and some relays refuse long header lines. */
export const MAX_SUBJECT_CHARS = 200;

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * "[Ripcord] Rollback FAILED in production: Deploy v1.0.4 …" — level, environment and title, in
 * ASCII around the title, so mail filters and `grep` on a raw mailbox match it unencoded.
 */
export function emailSubject(n: Notification): string {
  return truncate(oneLine(`[Ripcord] ${LEVEL_WORDS[n.level]} in ${n.environment}: ${n.title}`), MAX_SUBJECT_CHARS);
}

/** Plain-text body: title, text, then one fact per line, then the time in UTC. */
export function emailBody(n: Notification): string {
  const facts = notificationFacts(n);
  const width = Math.max(...facts.map(([k]) => k.length));
  return [
    `${n.level}: ${n.title}`,
    '',
    n.text,
    '',
    ...facts.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`),
    `${'at:'.padEnd(width + 2)}${n.at.toISOString()}`,
    '',
    '-- Ripcord',
    '',
  ].join('\n');
}

/** What the generic webhook receives: the notification itself, with the time as ISO 8601. */
export interface NotificationJson {
  source: 'ripcord';
  level: NotificationLevel;
  title: string;
  text: string;
  environment: string;
  deploymentId?: string;
  fields: Record<string, string>;
  at: string;
}

export function notificationJson(n: Notification): NotificationJson {
  return {
    source: 'ripcord',
    level: n.level,
    title: n.title,
    text: n.text,
    environment: n.environment,
    ...(n.deploymentId !== undefined ? { deploymentId: n.deploymentId } : {}),
    fields: { ...(n.fields ?? {}) },
    at: n.at.toISOString(),
  };
}

/** The inverse of `notificationJson`, for the outbox; null when `value` is not one. */
export function notificationFromJson(value: unknown): Notification | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<Record<keyof NotificationJson, unknown>>;
  const at = typeof v.at === 'string' ? new Date(v.at) : null;
  const textual = [v.title, v.text, v.environment].every((s) => typeof s === 'string');
  if (!at || Number.isNaN(at.getTime()) || !textual || !NOTIFICATION_LEVELS.includes(v.level as NotificationLevel)) return null;
  const fields = typeof v.fields === 'object' && v.fields !== null
    ? Object.fromEntries(Object.entries(v.fields).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
  return {
    level: v.level as NotificationLevel,
    title: v.title as string,
    text: v.text as string,
    environment: v.environment as string,
    ...(typeof v.deploymentId === 'string' ? { deploymentId: v.deploymentId } : {}),
    fields,
    at,
  };
}
