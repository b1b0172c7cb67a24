/**
 * Modal and Home tab views, pure: the shape views.open / views.update / views.publish take, cut to
 * Slack's limits (title, submit and close ≤ 24 characters, ≤ 100 blocks, private_metadata
 * ≤ 3000), plus the small screens every modal flow needs (working…, done, a problem).
 */
import { MAX_BLOCKS_PER_VIEW, MAX_MODAL_TITLE_CHARS, MAX_PRIVATE_METADATA_CHARS } from '../limits.js';
import { context, section, type Block } from './blocks.js';
import { cut, escapeText } from './mrkdwn.js';

export interface ModalView {
  type: 'modal';
  title: { type: 'plain_text'; text: string };
  close?: { type: 'plain_text'; text: string };
  submit?: { type: 'plain_text'; text: string };
  callback_id?: string;
  private_metadata?: string;
  blocks: Block[];
}

export interface HomeView { type: 'home'; blocks: Block[] }

const plain = (text: string) => ({ type: 'plain_text' as const, text: cut(text, MAX_MODAL_TITLE_CHARS) });

/** Plain text for a modal's labels, placeholders and options (Slack: an option's text ≤ 75 characters). */
export const optionText = (text: string) => ({ type: 'plain_text' as const, text: cut(text, 75), emoji: true });

export function modal(spec: { title: string; blocks: Block[]; close?: string; submit?: string; callbackId?: string; privateMetadata?: string }): ModalView {
  if (spec.privateMetadata && spec.privateMetadata.length > MAX_PRIVATE_METADATA_CHARS) throw new Error('private_metadata carries IDs, not state: it is too long');
  return {
    type: 'modal', title: plain(spec.title), blocks: spec.blocks.slice(0, MAX_BLOCKS_PER_VIEW),
    ...(spec.close ? { close: plain(spec.close) } : {}), ...(spec.submit ? { submit: plain(spec.submit) } : {}),
    ...(spec.callbackId ? { callback_id: spec.callbackId } : {}), ...(spec.privateMetadata ? { private_metadata: spec.privateMetadata } : {}),
  };
}

/** Shown while a preview is being worked out (view_submission must be answered within 3 s). */
export function workingModal(title: string, what: string, privateMetadata?: string): ModalView {
  return modal({ title, close: 'Close', blocks: [section(`:hourglass_flowing_sand: ${escapeText(what)}…`)], ...(privateMetadata ? { privateMetadata } : {}) });
}

/** The end of a modal flow: what happened and where to follow it (already escaped mrkdwn). */
export function doneModal(title: string, mrkdwn: string): ModalView {
  return modal({ title, close: 'Done', blocks: [section(mrkdwn)] });
}

/** A problem inside a modal: what went wrong and what would work. */
export function problemModal(title: string, problem: string, fix: string, extra: Block[] = []): ModalView {
  return modal({ title, close: 'Close', blocks: [section(`:warning: ${escapeText(problem)}`), context(escapeText(fix)), ...extra] });
}
