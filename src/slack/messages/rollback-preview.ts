/**
 * What a manual rollback would do, before anyone confirms it: from → to with tags and SHAs, the
 * runbook level, whether the database is restored or kept and why, the steps, the warnings, who
 * asks and who holds the lock — and a danger-styled Roll back button behind a confirmation
 * dialog, plus Cancel. The same blocks serve the ephemeral answer to `/rollback quick` and the
 * modal's second screen. The button carries the preview's identity, never the plan. Pure.
 */
import type { ManualRollbackPlan } from '../../domain/manual-rollback.js';
import { stepLine } from '../../domain/plan-format.js';
import { shortSha } from '../../domain/ref.js';
import { actions, button, context, section, sections, type Block, type SlackMessage } from './blocks.js';
import { age, code, cut, escapeText } from './mrkdwn.js';
import { modal, type ModalView } from './views.js';

export const ROLLBACK_CONFIRM_ACTION = 'rollback_confirm';
export const PREVIEW_CANCEL_ACTION = 'preview_cancel';

export interface RollbackPreviewView {
  environment: string;
  plan: ManualRollbackPlan;
  /** sha → "v1.0.0 9e8d7c6". */
  labels: Readonly<Record<string, string>>;
  requestedBy: string;
  lockHeldBy: string | null;
  /** What the Roll back button sends back (see rollback-request.ts). */
  confirmValue: string;
  previewedAt: Date;
}

const TITLES: Record<ManualRollbackPlan['request']['kind'], string> = {
  quick: 'Quick rollback', commit: 'Roll back to a release', backup: 'Restore the database', full: 'Full rollback (release and database)',
};
const LEVELS = { 1: 'Level 1: code and images', 2: 'Level 2: code and schema', 3: 'Level 3: code and database' } as const;

const labelOf = (v: RollbackPreviewView, sha: string) => code(v.labels[sha] ?? shortSha(sha));

function databaseText(v: RollbackPreviewView): string {
  const b = v.plan.backup;
  const what = b
    ? `*Database: restored* from ${code(b.name)} (${escapeText(b.kind)}${b.database ? `, holds database ${code(b.database)}` : ''}, taken ${age(b.createdAt, v.previewedAt)}, ${b.verified ? 'verified' : 'NOT verified yet'}); a safety backup of the current database is taken first`
    : v.plan.level === 2 ? '*Database: kept*, after a safety backup the reversal migration runs' : '*Database: kept* as it is, with every row written since';
  return v.plan.databaseReason ? `${what}\n_Why:_ ${escapeText(v.plan.databaseReason)}` : what;
}

export function rollbackPreviewBlocks(v: RollbackPreviewView): Block[] {
  const p = v.plan;
  const code_ = p.toSha === p.fromSha ? `Code stays at ${labelOf(v, p.fromSha)}` : `${labelOf(v, p.fromSha)} → ${labelOf(v, p.toSha)}`;
  const blocks: Block[] = [
    section(`*${TITLES[p.request.kind]} of ${escapeText(v.environment)}?* (${LEVELS[p.level]})\n${code_}`),
    section(databaseText(v)),
    ...sections(['*Steps*', ...p.steps.map((s, i) => escapeText(stepLine(s, i).trim()))], 1),
  ];
  if (p.warnings.length) blocks.push(...sections(p.warnings.map((w) => `:warning: ${escapeText(w)}`), 1));
  blocks.push(context(`Asked by ${escapeText(v.requestedBy)}${v.lockHeldBy ? ` · :lock: lock held by ${escapeText(v.lockHeldBy)} — this waits until it is free` : ''}`));
  const confirmText = `${p.toSha === p.fromSha ? 'Keep the code' : `Roll *${escapeText(v.environment)}* back to ${labelOf(v, p.toSha)}`}${p.backup ? ` and replace the database with ${code(p.backup.name)}` : ''}.`;
  blocks.push(actions('rollback_preview', [
    button({ actionId: ROLLBACK_CONFIRM_ACTION, text: 'Roll back', style: 'danger', value: v.confirmValue, confirm: { title: 'Roll back now?', text: cut(confirmText, 300), confirm: 'Roll back', deny: 'Not yet' } }),
    button({ actionId: PREVIEW_CANCEL_ACTION, text: 'Cancel', value: 'cancel' }),
  ]));
  return blocks;
}

function summary(v: RollbackPreviewView): string {
  const p = v.plan;
  const to = p.toSha === p.fromSha ? 'code unchanged' : `${v.labels[p.fromSha] ?? shortSha(p.fromSha)} → ${v.labels[p.toSha] ?? shortSha(p.toSha)}`;
  return escapeText(`${TITLES[p.request.kind]} of ${v.environment}? ${to}; database ${p.backup ? `restored from ${p.backup.name}` : 'kept'}`);
}

export function rollbackPreviewMessage(v: RollbackPreviewView): SlackMessage {
  return { text: summary(v), blocks: rollbackPreviewBlocks(v) };
}

/** The modal's second screen: the same preview; the button inside it confirms (a modal's own submit cannot be danger-styled). */
export function rollbackPreviewModal(v: RollbackPreviewView, privateMetadata: string): ModalView {
  return modal({ title: 'Confirm rollback', close: 'Close', blocks: rollbackPreviewBlocks(v), privateMetadata });
}
