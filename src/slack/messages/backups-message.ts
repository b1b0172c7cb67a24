/**
 * `/backups` answers, pure: the list (newest first: name, kind, size, age, verified / not verified /
 * corrupt and why) and the restore preview — which backup, taken when, verified or not, that a
 * safety backup of the current database is taken first, the lock holder — behind a danger-styled
 * Restore button with a confirmation dialog; a corrupt backup gets the reason and no button.
 */
import type { BackupSummary } from '../../operations/rollback-choices.js';
import { actions, button, context, section, sections, type SlackMessage } from './blocks.js';
import { age, code, cut, escapeText } from './mrkdwn.js';
import { PREVIEW_CANCEL_ACTION } from './rollback-preview.js';

export const RESTORE_CONFIRM_ACTION = 'backup_restore_confirm';
const MAX_LISTED = 20;

export function size(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** ✅ verified, ❔ not verified, or ❌ corrupt and why: the same words wherever a backup is shown. */
export function checkMark(b: Pick<BackupSummary, 'verified' | 'corrupt'>): string {
  if (b.corrupt) return `:x: *corrupt*: ${escapeText(cut(b.corrupt, 300))}`;
  return b.verified ? ':white_check_mark: verified' : ':grey_question: not verified';
}

export function backupsListMessage(environment: string, backups: readonly BackupSummary[], now: Date): SlackMessage {
  if (backups.length === 0) {
    return { text: escapeText(`No backups of ${environment} yet`), blocks: [section(`No backups of *${escapeText(environment)}* yet. Take one: \`/backups create ${escapeText(environment)}\``)] };
  }
  const lines = backups.slice(0, MAX_LISTED).map((b) => `• ${code(b.name)} ${escapeText(b.kind)}, ${size(b.sizeBytes)}, ${age(b.createdAt, now)}, ${checkMark(b)}`);
  if (backups.length > MAX_LISTED) lines.push(`…and ${backups.length - MAX_LISTED} older`);
  return {
    text: escapeText(`${backups.length} backups of ${environment}`),
    blocks: [
      ...sections([`*Backups of ${escapeText(environment)}* (newest first)`, ...lines], 3),
      context(`\`/backups verify NAME ${escapeText(environment)}\` checks one · \`/backups restore NAME ${escapeText(environment)}\` previews a restore · \`/backups create ${escapeText(environment)}\` takes one`),
    ],
  };
}

export interface RestorePreviewView {
  environment: string;
  backup: BackupSummary;
  requestedBy: string;
  lockHeldBy: string | null;
  confirmValue: string;
  previewedAt: Date;
}

/** A corrupt backup is never offered for a restore: the reason, and where the good ones are. */
function corruptPreview(v: RestorePreviewView, reason: string): SlackMessage {
  const b = v.backup;
  return {
    text: escapeText(`${b.name} is corrupt: it cannot be restored`),
    blocks: [
      section(`:x: *${code(b.name)} is corrupt*: ${escapeText(cut(reason, 1500))}\nIt cannot be restored. Pick one shown as verified in \`/backups list ${escapeText(v.environment)}\`, or check this one again with \`/backups verify ${escapeText(b.name)} ${escapeText(v.environment)}\`.`),
      actions('restore_preview', [button({ actionId: PREVIEW_CANCEL_ACTION, text: 'Cancel', value: 'cancel' })]),
    ],
  };
}

export function restorePreviewMessage(v: RestorePreviewView): SlackMessage {
  const b = v.backup;
  if (b.corrupt) return corruptPreview(v, b.corrupt);
  const taken = `${escapeText(b.kind)}${b.database ? `, holds database ${code(b.database)}` : ''}, taken ${age(b.createdAt, v.previewedAt)}, ${size(b.sizeBytes)}, ${b.verified ? 'verified' : 'NOT verified yet'}`;
  return {
    text: escapeText(`Restore ${v.environment}'s database from ${b.name}?`),
    blocks: [
      section(`*Restore ${escapeText(v.environment)}'s database from ${code(b.name)}?*\n${taken}`),
      section(`The database goes back to ${age(b.createdAt, v.previewedAt)}: writes since then are replaced. A safety backup of the current database is taken first and kept. The code and containers stay as they are.${b.verified ? '' : '\n:warning: This backup was never verified: run `/backups verify` first if you can.'}`),
      context(`Asked by ${escapeText(v.requestedBy)}${v.lockHeldBy ? ` · :lock: lock held by ${escapeText(v.lockHeldBy)} — this waits until it is free` : ''}`),
      actions('restore_preview', [
        button({
          actionId: RESTORE_CONFIRM_ACTION, text: 'Restore', style: 'danger', value: v.confirmValue,
          confirm: { title: 'Replace the database?', text: cut(`Replace *${escapeText(v.environment)}*'s database with ${code(b.name)}. A safety backup is taken first.`, 300), confirm: 'Restore', deny: 'Not yet' },
        }),
        button({ actionId: PREVIEW_CANCEL_ACTION, text: 'Cancel', value: 'cancel' }),
      ]),
    ],
  };
}
