/**
 * A custom webhook (WEBHOOK_URL, or a contacts level's webhooks): the notification itself as
 * JSON, signed when notifications.webhookSecret is set; anything but 2xx is a failure.
 */
import { notificationJson } from '../domain/notification-format.js';
import { postJson } from './http-post.js';
import type { RemoteSink } from './sink.js';

/** `url` may carry a token in its query: it stays in this closure and is never logged or stored. */
export function webhookSink(url: string, timeoutMs: number, secret: string | null = null): RemoteSink {
  return { name: 'webhook', send: (n) => postJson(url, notificationJson(n), { sink: 'webhook', timeoutMs, signingSecret: secret }) };
}
