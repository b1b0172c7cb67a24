/**
 * `/backups` answers, pure: the list (newest first: name, kind, size, age, verified) and the
 * restore preview — which backup, taken when, verified or not, that a safety backup of the
 * current database is taken first, the lock holder — behind a danger-styled Restore button with
 * a confirmation dialog.
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

export function backupsListMessage(environment: string, backups: readonly BackupSummary[], now: Date): SlackMessage {
  if (backups.length === 0) {
    return { text: escapeText(`No backups of ${environment} yet`), blocks: [section(`No backups of *${escapeText(environment)}* yet. Take one: \`/backups create ${escapeText(environment)}\``)] };
  }
  const lines = backups.slice(0, MAX_LISTED).map((b) => `• ${code(b.name)} ${escapeText(b.kind)}, ${size(b.sizeBytes)}, ${age(b.createdAt, now)}, ${b.verified ? ':white_check_mark: verified' : ':grey_question: not verified'}`);
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

export function restorePreviewMessage(v: RestorePreviewView): SlackMessage {
  const b = v.backup;
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
