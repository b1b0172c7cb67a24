/**
 * A remote sink delivers one Notification somewhere outside this host (Slack, a webhook, email).
 * Sinks hold their destination (a secret) in memory only; what they throw never names it.
 */
import type { Notification } from '../domain/ports.js';
import { RipcordError } from '../domain/errors.js';
import { redactString } from '../domain/redact.js';

export type RemoteSinkName = 'slack' | 'webhook' | 'email';
export const REMOTE_SINKS: readonly RemoteSinkName[] = ['slack', 'webhook', 'email'];

export interface RemoteSink {
  readonly name: RemoteSinkName;
  /** Flushes wait this long between two sends to the sink (Slack: one message a second). */
  readonly minIntervalMs?: number;
  /** Resolves when the far side accepted it (2xx, SMTP 250); throws a {@link SinkError} otherwise. */
  send(notification: Notification): Promise<void>;
}

/** Where each sink's destination is configured, for the fix people read. */
export const SINK_SETTING: Readonly<Record<RemoteSinkName, string>> = {
  slack: 'notifications.slackWebhookUrl (SLACK_WEBHOOK_URL)',
  webhook: 'notifications.webhookUrl (WEBHOOK_URL)',
  email: 'notifications.email (NOTIFICATION_EMAIL, email.smtpUrl)',
};

/** Remote sinks wait this long for an answer by default: a deploy must not hang on a dead relay. */
export const DEFAULT_SINK_TIMEOUT_MS = 10_000;

/**
 * A delivery that failed. `sinkDown` says whether any delivery to this sink would fail now
 * (refused, timed out, rate limited, 5xx, a wrong URL or login): a flush then stops trying the
 * sink until its next call. When false, the far side refused this one message (its content), and
 * the next kept delivery may still go through, so one bad message never blocks those behind it.
 */
export class SinkError extends RipcordError {
  constructor(readonly sink: RemoteSinkName, message: string, readonly sinkDown: boolean) {
    super('unavailable', redactString(`${sink}: ${message}`), `check ${SINK_SETTING[sink]}; the delivery is kept and \`ripcord notify flush\` sends it again`);
  }
}

/** HTTP statuses that refuse one payload rather than every request. */
const PAYLOAD_STATUSES = new Set([400, 413, 422]);
/** SMTP replies that refuse one message (too big, content rejected) rather than every message. */
const MESSAGE_SMTP_CODES = new Set([552, 554]);

export function httpStatusMeansDown(status: number): boolean {
  return !PAYLOAD_STATUSES.has(status);
}

/**
 * Words for a network failure without the address it went to: the error objects of fetch and
 * nodemailer quote host, port and sometimes the URL, and a webhook URL is a secret.
 */
export function describeNetworkError(error: unknown, timeoutMs: number): { message: string; sinkDown: boolean } {
  const e = error as { name?: string; code?: string; originalCode?: string; cause?: { code?: string }; responseCode?: number; response?: string };
  if (e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT' || e?.cause?.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { message: `no answer within ${timeoutMs / 1000} s (timed out)`, sinkDown: true };
  }
  if (typeof e?.responseCode === 'number') {
    return { message: `the server answered ${e.responseCode}${e.response ? `: ${oneLine(e.response)}` : ''}`, sinkDown: !MESSAGE_SMTP_CODES.has(e.responseCode) };
  }
  // fetch puts the socket's code on `cause`; nodemailer wraps it as ESOCKET with `originalCode`.
  const code = e?.cause?.code ?? e?.originalCode ?? e?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ESOCKET: 'socket error',
    ECONNECTION: 'connection failed',
    EAUTH: 'authentication failed',
  };
  if (code && words[code]) return { message: `${words[code]} (${code})`, sinkDown: true };
  return { message: `failed (${code ?? plainDetail(e?.cause) ?? 'no detail'})`, sinkDown: true };
}

/**
 * A cause's message only when it cannot hold the destination (no "/", "?", "@" or ":"), e.g.
 * undici's "bad port": a message naming the URL would put a webhook secret into logs.
 */
function plainDetail(cause: unknown): string | undefined {
  const m = (cause as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' && m !== '' && !/[/?@:]/.test(m) ? m.slice(0, 80) : undefined;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 200);

/** Text from the far side, short and masked: it may echo what we sent. */
export function shortBody(body: string): string {
  const line = oneLine(redactString(body));
  return line ? `: ${line}` : '';
}
