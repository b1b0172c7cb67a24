/** A custom webhook (WEBHOOK_URL): the notification itself as JSON; anything but 2xx is a failure. */
import { notificationJson } from '../domain/notification-format.js';
import { postJson } from './http-post.js';
import type { RemoteSink } from './sink.js';

/** `url` may carry a token in its query: it stays in this closure and is never logged or stored. */
export function webhookSink(url: string, timeoutMs: number): RemoteSink {
  return { name: 'webhook', send: (n) => postJson(url, notificationJson(n), { sink: 'webhook', timeoutMs }) };
}
