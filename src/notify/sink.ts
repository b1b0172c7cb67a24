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
 * A delivery that failed. `answered` says whether the far side responded at all: one that did not
 * (refused, timed out) is not tried again in the same flush; one that answered with an error
 * (HTTP 4xx/5xx, SMTP 5xx) may accept the next delivery.
 */
export class SinkError extends RipcordError {
  constructor(readonly sink: RemoteSinkName, message: string, readonly answered: boolean) {
    super('unavailable', redactString(`${sink}: ${message}`), `check ${SINK_SETTING[sink]}; the delivery is kept and \`ripcord notify flush\` sends it again`);
  }
}

/**
 * Words for a network failure without the address it went to: the error objects of fetch and
 * nodemailer quote host, port and sometimes the URL, and a webhook URL is a secret.
 */
export function describeNetworkError(error: unknown, timeoutMs: number): { message: string; answered: boolean } {
  const e = error as { name?: string; code?: string; originalCode?: string; cause?: { code?: string }; responseCode?: number; response?: string };
  if (e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT' || e?.cause?.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { message: `no answer within ${timeoutMs / 1000} s (timed out)`, answered: false };
  }
  if (typeof e?.responseCode === 'number') {
    return { message: `the server answered ${e.responseCode}${e.response ? `: ${oneLine(e.response)}` : ''}`, answered: true };
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
  if (code && words[code]) return { message: `${words[code]} (${code})`, answered: code === 'EAUTH' };
  return { message: code ? `failed (${code})` : 'failed', answered: false };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 200);

/** Text from the far side, short and masked: it may echo what we sent. */
export function shortBody(body: string): string {
  const line = oneLine(redactString(body));
  return line ? `: ${line}` : '';
}
