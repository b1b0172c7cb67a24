/**
 * Block Kit pieces every message uses, each cut to Slack's limits (src/slack/limits.ts) so a long
 * commit list or error reason shortens instead of making Slack refuse the whole message. Pure.
 */
import { MAX_BUTTON_TEXT_CHARS, MAX_BUTTON_VALUE_CHARS, MAX_HEADER_TEXT_CHARS, MAX_SECTION_TEXT_CHARS } from '../limits.js';
import { cut } from './mrkdwn.js';

export type Block = { type: string; block_id?: string } & Record<string, unknown>;

export interface SlackMessage {
  /** The notification and screen-reader text; always set. */
  text: string;
  blocks?: Block[];
  attachments?: Array<{ color: string; blocks: Block[]; fallback?: string }>;
}

export const section = (mrkdwn: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: cut(mrkdwn, MAX_SECTION_TEXT_CHARS) } });

export const header = (plain: string): Block => ({ type: 'header', text: { type: 'plain_text', text: cut(plain, MAX_HEADER_TEXT_CHARS), emoji: true } });

export const context = (mrkdwn: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(mrkdwn, MAX_SECTION_TEXT_CHARS) }] });

export const divider = (): Block => ({ type: 'divider' });

export interface ButtonSpec {
  actionId: string;
  text: string;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export function button(spec: ButtonSpec): Block {
  if (spec.value !== undefined && spec.value.length > MAX_BUTTON_VALUE_CHARS) throw new Error(`button value of ${spec.actionId} is ${spec.value.length} characters; carry IDs, not payloads`);
  return {
    type: 'button', action_id: spec.actionId, text: { type: 'plain_text', text: cut(spec.text, MAX_BUTTON_TEXT_CHARS), emoji: true },
    ...(spec.value !== undefined ? { value: spec.value } : {}),
    ...(spec.style ? { style: spec.style } : {}),
    ...(spec.confirm ? {
      confirm: {
        title: { type: 'plain_text', text: cut(spec.confirm.title, 100) }, text: { type: 'mrkdwn', text: cut(spec.confirm.text, 300) },
        confirm: { type: 'plain_text', text: cut(spec.confirm.confirm, 30) }, deny: { type: 'plain_text', text: cut(spec.confirm.deny, 30) },
        ...(spec.style === 'danger' ? { style: 'danger' } : {}),
      },
    } : {}),
  };
}

export const actions = (blockId: string, elements: Block[]): Block => ({ type: 'actions', block_id: blockId, elements });

/** Lines joined into sections of at most MAX_SECTION_TEXT_CHARS each, never splitting a line. */
export function sections(lines: readonly string[], maxSections = 4): Block[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length > MAX_SECTION_TEXT_CHARS && current) { out.push(current); current = line; } else current = next;
  }
  if (current) out.push(current);
  const kept = out.slice(0, maxSections);
  if (out.length > maxSections) kept[kept.length - 1] = `${cut(kept.at(-1) ?? '', MAX_SECTION_TEXT_CHARS - 40)}\n…and more`;
  return kept.map(section);
}
