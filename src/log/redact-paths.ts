/**
 * pino `redact` paths: the second of the logger's two redaction layers. The first
 * (src/domain/redact.ts, run on every argument) already masks by key at any depth; these paths are
 * the belt to its braces, applied by pino itself at serialization, so a secret under a known key is
 * censored even if a future change bypasses the argument hook.
 */
import { REDACTED, redactString } from '../domain/redact.js';

/** Keys whose whole value is secret, spelled the ways Ripcord's config, env and HTTP spell them. */
const SECRET_KEYS = [
  'password', 'PGPASSWORD', 'secret', 'token', 'botToken', 'appToken', 'userToken', 'signingSecret',
  'clientSecret', 'accessToken', 'refreshToken', 'apiKey', 'privateKey', 'authorization',
  'Authorization', 'cookie', 'Cookie', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET',
];

/** Keys holding URLs that may carry a password or a webhook secret; only those parts are masked. */
const URL_KEYS = ['url', 'databaseUrl', 'slackWebhookUrl', 'webhookUrl', 'smtpUrl', 'redisUrl', 'DATABASE_URL', 'SLACK_WEBHOOK_URL'];

/** Header names, bracketed because some contain "-". */
const HEADER_KEYS = ['authorization', 'Authorization', 'cookie', 'Cookie', 'set-cookie', 'x-api-key', 'X-Api-Key', 'proxy-authorization'];

/** pino paths allow one wildcard per segment but no "any depth"; three levels cover config and job shapes. */
const DEPTH_PREFIXES = ['', '*.', '*.*.'];

export const LOG_REDACT_PATHS: readonly string[] = [
  ...DEPTH_PREFIXES.flatMap((prefix) => [...SECRET_KEYS, ...URL_KEYS].map((key) => `${prefix}${key}`)),
  ...['', '*.'].flatMap((prefix) => HEADER_KEYS.map((header) => `${prefix}headers["${header}"]`)),
];

const URL_KEY_SET = new Set(URL_KEYS);

/** URL-valued keys keep their host and path; everything else under a listed key is replaced whole. */
export function censorLogValue(value: unknown, path: readonly unknown[]): unknown {
  const key = path[path.length - 1];
  if (typeof key === 'string' && URL_KEY_SET.has(key)) return typeof value === 'string' ? redactString(value) : value;
  return value === null || value === undefined || typeof value === 'boolean' ? value : REDACTED;
}
