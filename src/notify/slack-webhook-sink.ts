/** Slack incoming webhook (SLACK_WEBHOOK_URL): the colour-coded Block Kit payload, POSTed as JSON. */
import { postJson } from './http-post.js';
import type { RemoteSink } from './sink.js';
import { slackWebhookPayload } from './slack-webhook-payload.js';

/** `url` is the webhook, a secret: it stays in this closure and is never logged or stored. */
export function slackWebhookSink(url: string, timeoutMs: number): RemoteSink {
  return { name: 'slack', send: (n) => postJson(url, slackWebhookPayload(n), { sink: 'slack', timeoutMs }) };
}
