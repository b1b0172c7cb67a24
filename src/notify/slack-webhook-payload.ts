/**
 * The JSON a Slack incoming webhook receives for a Notification: a legacy attachment whose
 * `color` draws the coloured bar, wrapping a compact set of Block Kit blocks, plus a `text`
 * fallback for notifications and clients that do not render blocks. Pure; the sizes obey Slack's
 * limits (src/slack/limits.ts), including the ~13k-character total seen in the field.
 */
import { LEVEL_WORDS, notificationFacts, truncate } from '../domain/notification-format.js';
import type { Notification, NotificationLevel } from '../domain/ports.js';
import {
  ATTACHMENT_COLORS, MAX_HEADER_TEXT_CHARS, MAX_MESSAGE_BLOCKS_CHARS_OBSERVED, MAX_SECTION_FIELDS, MAX_SECTION_TEXT_CHARS,
} from '../domain/slack-limits.js';

export interface SlackText { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean }
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] };

export interface SlackWebhookPayload {
  text: string;
  attachments: [{ color: string; fallback: string; blocks: SlackBlock[] }];
}

/** Blue for information; Slack's named colours for the rest. */
const INFO_COLOR = '#439FE0';

export const LEVEL_COLORS: Readonly<Record<NotificationLevel, string>> = {
  INFO: INFO_COLOR,
  SUCCESS: ATTACHMENT_COLORS.good,
  WARNING: ATTACHMENT_COLORS.warning,
  ERROR: ATTACHMENT_COLORS.danger,
  ROLLBACK_SUCCESS: ATTACHMENT_COLORS.warning,
  ROLLBACK_FAILED: ATTACHMENT_COLORS.danger,
};

const LEVEL_EMOJI: Readonly<Record<NotificationLevel, string>> = {
  INFO: ':information_source:',
  SUCCESS: ':white_check_mark:',
  WARNING: ':warning:',
  ERROR: ':x:',
  ROLLBACK_SUCCESS: ':rewind:',
  ROLLBACK_FAILED: ':rotating_light:',
};

/**
 * Well under Slack's per-field 2000 so that ten fields, the text and the header together stay
 * under the observed total: a fact is an ID, a SHA or a file name, never a paragraph.
 */
export const MAX_FACT_CHARS = 200;
/**
 * The body leaves room for the facts under the observed total even when JSON doubles every
 * character (quotes, backslashes, newlines); the notifications log and the email carry all of it.
 */
export const MAX_BODY_CHARS = Math.min(MAX_SECTION_TEXT_CHARS, 2_500);
/** The fallback `text`, shown in push notifications; far below Slack's 40,000. */
export const MAX_FALLBACK_CHARS = 500;

/** Control characters (other than newline and tab) print as nothing and serialize six times longer. */
function stripControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/**
 * Slack's mrkdwn treats &, < and > as control characters (`<!channel>`, `<url|label>`): text from
 * outside must not ping a channel or forge a link.
 */
export function escapeMrkdwn(s: string): string {
  return stripControl(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes, then cuts to `max` without splitting an entity. */
export function escapedTruncate(s: string, max: number): string {
  const escaped = escapeMrkdwn(s);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

function factFields(n: Notification): SlackText[] {
  const facts = notificationFacts(n);
  const shown = facts.length > MAX_SECTION_FIELDS ? facts.slice(0, MAX_SECTION_FIELDS - 1) : facts;
  const fields = shown.map(([k, v]): SlackText => ({ type: 'mrkdwn', text: `*${escapedTruncate(k, 60)}*\n${escapedTruncate(v, MAX_FACT_CHARS)}` }));
  if (shown.length < facts.length) fields.push({ type: 'mrkdwn', text: `_and ${facts.length - shown.length} more in the notifications log_` });
  return fields;
}

/** The blocks inside the attachment: header, body, facts, and a context line with level and time. */
export function slackBlocks(n: Notification): SlackBlock[] {
  const header = truncate(stripControl(`${LEVEL_WORDS[n.level]}: ${n.title}`).replace(/\s+/g, ' '), MAX_HEADER_TEXT_CHARS);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: header, emoji: true } }];
  if (n.text.trim()) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapedTruncate(n.text, MAX_BODY_CHARS) } });
  blocks.push({ type: 'section', fields: factFields(n) });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${LEVEL_EMOJI[n.level]} ${n.level} · <!date^${Math.floor(n.at.getTime() / 1000)}^{date_short_pretty} {time_secs}|${n.at.toISOString()}> · Ripcord` }] });
  return blocks;
}

export function slackWebhookPayload(n: Notification): SlackWebhookPayload {
  const fallback = truncate(`${LEVEL_EMOJI[n.level]} [${n.level}] ${n.environment}: ${n.title}`.replace(/\s+/g, ' '), MAX_FALLBACK_CHARS);
  const text = escapeMrkdwn(fallback);
  return { text, attachments: [{ color: LEVEL_COLORS[n.level], fallback: text, blocks: slackBlocks(n) }] };
}

/** For tests and the emulator: the serialized size Slack compares with its observed total. */
export function blocksChars(payload: SlackWebhookPayload): number {
  return JSON.stringify(payload.attachments[0].blocks).length;
}

export const MAX_BLOCKS_CHARS = MAX_MESSAGE_BLOCKS_CHARS_OBSERVED;
