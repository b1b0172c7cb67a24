/** Slack incoming webhook (SLACK_WEBHOOK_URL): the colour-coded Block Kit payload, POSTed as JSON. */
import { postJson } from './http-post.js';
import type { RemoteSink } from './sink.js';
import { slackWebhookPayload } from './slack-webhook-payload.js';
import { POST_MESSAGE_PER_CHANNEL_PER_SECOND } from '../domain/slack-limits.js';

/** Incoming webhooks share chat.postMessage's pace: about one message a second per channel. */
const SLACK_MIN_INTERVAL_MS = 1_000 / POST_MESSAGE_PER_CHANNEL_PER_SECOND;

/** `url` is the webhook, a secret: it stays in this closure and is never logged or stored. */
export function slackWebhookSink(url: string, timeoutMs: number): RemoteSink {
  return { name: 'slack', minIntervalMs: SLACK_MIN_INTERVAL_MS, send: (n) => postJson(url, slackWebhookPayload(n), { sink: 'slack', timeoutMs }) };
}
