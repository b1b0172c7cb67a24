/**
 * What a confirm button answers, pure: a preview that may no longer be confirmed (too old, or the
 * environment changed since) says why and offers a Fresh preview button; a submitted operation
 * says where it stands — starting, or waiting for the lock (who holds it, doing what, since when)
 * or behind other operations — and where to follow it.
 */
import { actions, button, context, section, type Block, type SlackMessage } from './blocks.js';
import { code, escapeText } from './mrkdwn.js';

export const PREVIEW_REFRESH_ACTION = 'preview_refresh';

/** Blocks (also used inside a modal) for a preview that cannot be confirmed; `askValue` from preview-ask.ts. */
export function staleBlocks(problem: string, askValue: string): Block[] {
  return [
    section(`:warning: ${escapeText(problem)}. Nothing was submitted.`),
    context('Look at what would happen now, then confirm again.'),
    actions('stale_preview', [button({ actionId: PREVIEW_REFRESH_ACTION, text: 'Fresh preview', style: 'primary', value: askValue })]),
  ];
}

export function staleMessage(problem: string, askValue: string): SlackMessage {
  return { text: escapeText(`${problem}. Nothing was submitted; ask for a fresh preview.`), blocks: staleBlocks(problem, askValue) };
}

export interface SubmittedView {
  /** "Rollback quick", "Restore of backup_….dump": what was confirmed. */
  what: string;
  environment: string;
  operationId: string;
  /** Operations ahead of it in the queue. */
  position: number;
  /** The lock holder right now, in words (who, doing what, since when), or null. */
  lockHeldBy: string | null;
  channel: string;
}

/** One mrkdwn paragraph: the operation, where it stands, where to follow it. */
export function submittedText(v: SubmittedView): string {
  const where = v.lockHeldBy
    ? `waiting: *${escapeText(v.environment)}* is locked by ${escapeText(v.lockHeldBy)}; it starts when that is done`
    : v.position > 0 ? `queued behind ${v.position} operation${v.position === 1 ? '' : 's'}` : 'starting';
  return `${escapeText(v.what)} on *${escapeText(v.environment)}* — ${where}: operation ${code(v.operationId)}; follow it in ${escapeText(v.channel)}`;
}

export function submittedMessage(v: SubmittedView): SlackMessage {
  const text = submittedText(v);
  return { text: text.replace(/[*`]/g, ''), blocks: [section(text)] };
}
