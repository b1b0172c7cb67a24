/** The line that replaces a confirmed preview (or answers an approval): queued or starting, the operation ID, where to follow it. Pure. */
import type { SlackMessage } from './blocks.js';
import { section } from './blocks.js';
import { code, escapeText } from './mrkdwn.js';

export function submittedMessage(what: string, environment: string, submitted: { operationId: string; position: number }, channel: string): SlackMessage {
  const queued = submitted.position > 0 ? `queued behind ${submitted.position} operation${submitted.position === 1 ? '' : 's'}` : 'starting';
  const text = `${what} to *${escapeText(environment)}* ${queued} — operation ${code(submitted.operationId)}; follow it in ${escapeText(channel)}`;
  return { text: text.replace(/[*`]/g, ''), blocks: [section(text)] };
}
