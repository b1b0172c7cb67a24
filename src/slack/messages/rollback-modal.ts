/**
 * The `/rollback` modal, pure: what runs now, then what to roll back — quick (the previous
 * release), to a release (a picker of the releases that ran here, newest first, with when each
 * was live; the journals never offer one that was refused or rolled back), restore a backup (a
 * picker with kind, age and whether it is verified or corrupt), full — or a runbook Level 1/2/3. And the
 * reader of Slack's `view.state.values` for it.
 */
import type { RollbackTarget } from '../../executor/manual-rollback-inputs.js';
import type { BackupSummary } from '../../operations/rollback-choices.js';
import { checkLabel } from '../../domain/backup-check.js';
import { shortSha } from '../../domain/ref.js';
import type { ModalAnswers } from '../rollback-request.js';
import { context, section, type Block } from './blocks.js';
import { age, code, escapeText } from './mrkdwn.js';
import { modal, optionText, type ModalView } from './views.js';

export const ROLLBACK_MODAL_CALLBACK = 'rollback_modal';
/** Slack: a select holds at most 100 options; an option's text ≤ 75 and value ≤ 150 characters. */
const MAX_OPTIONS = 25;
const MAX_OPTION_VALUE = 150;

export interface RollbackModalView {
  environment: string;
  current: { sha: string; tags: string[] };
  releases: readonly RollbackTarget[];
  backups: readonly BackupSummary[];
  now: Date;
  /** Carried to the submission: the environment and where the command was typed. */
  privateMetadata: string;
}

const plain = optionText;
const option = (text: string, value: string) => ({ text: plain(text), value });

function releaseText(r: RollbackTarget, now: Date): string {
  const name = `${r.tags[0] ? `${r.tags[0]} ` : ''}${shortSha(r.sha)}`;
  if (r.liveUntil) return `${name} — live until ${age(r.liveUntil, now)}`;
  return r.liveSince ? `${name} — live since ${age(r.liveSince, now)}` : name;
}

// CORRUPT first: option text is cut at 75 characters, and this is the part that must show.
const backupText = (b: BackupSummary, now: Date) => (b.corrupt
  ? `${b.name} — CORRUPT, ${b.kind}, ${age(b.createdAt, now)}`
  : `${b.name} — ${b.kind}, ${age(b.createdAt, now)}, ${checkLabel(b)}`);

function select(blockId: string, label: string, placeholder: string, options: ReturnType<typeof option>[], hint: string): Block {
  return {
    type: 'input', block_id: blockId, optional: true, label: plain(label), hint: { type: 'plain_text', text: hint },
    element: { type: 'static_select', action_id: blockId, placeholder: plain(placeholder), options },
  };
}

export function rollbackModal(v: RollbackModalView): ModalView {
  const current = `${v.current.tags.map(code).join(', ') || '_untagged_'} ${code(shortSha(v.current.sha))}`;
  const releases = v.releases.slice(0, MAX_OPTIONS).map((r) => option(releaseText(r, v.now), r.sha));
  const backups = v.backups.filter((b) => b.name.length <= MAX_OPTION_VALUE).slice(0, MAX_OPTIONS).map((b) => option(backupText(b, v.now), b.name));
  const blocks: Block[] = [
    section(`*${escapeText(v.environment)}* runs ${current} now.`),
    {
      type: 'input', block_id: 'kind', label: plain('What to roll back'),
      element: {
        type: 'radio_buttons', action_id: 'kind', initial_option: option('Quick: the previous release', 'quick'),
        options: [
          option('Quick: the previous release', 'quick'),
          option('To a release (pick below)', 'commit'),
          option('Restore a backup (pick below)', 'backup'),
          option('Full: a release and a backup', 'full'),
        ],
      },
    },
    releases.length ? select('release', 'Release', 'Pick a release that ran here', releases, 'Only releases that ran here; refused and rolled-back ones are never offered.')
      : context('_No other release has run here yet: only a backup can be restored._'),
    backups.length ? select('backup', 'Backup', 'Pick a backup', backups, 'Newest first. A backup is verified again before anything changes.')
      : context(`_No backups of ${escapeText(v.environment)} yet._`),
    {
      type: 'input', block_id: 'level', optional: true, label: plain('Or a runbook level'),
      element: {
        type: 'static_select', action_id: 'level', placeholder: plain('Level 1, 2 or 3'),
        options: [option('Level 1: code and images', '1'), option('Level 2: code + reversal migration', '2'), option('Level 3: code + database restore', '3')],
      },
    },
    context('Next you see the plan — from → to, and whether the database is restored and why — and confirm it. Nothing changes before that.'),
  ];
  return modal({ title: `Roll back ${v.environment}`, submit: 'Preview', close: 'Cancel', callbackId: ROLLBACK_MODAL_CALLBACK, privateMetadata: v.privateMetadata, blocks });
}

type StateValues = Record<string, Record<string, { selected_option?: { value?: string } | null }>>;

/** Slack's `view.state.values` of the modal as plain answers. */
export function readModalAnswers(values: unknown): ModalAnswers {
  const v = (values ?? {}) as StateValues;
  const pick = (block: string) => v[block]?.[block]?.selected_option?.value ?? null;
  return { kind: pick('kind'), releaseSha: pick('release'), backup: pick('backup'), level: pick('level') };
}

/** The modal's private_metadata: which environment, and the channel the command came from. */
export const encodeModalMetadata = (m: { environment: string; channelId: string | null }) => JSON.stringify({ e: m.environment, c: m.channelId });

export function decodeModalMetadata(value: string | undefined): { environment: string; channelId: string | null } {
  try {
    const v = JSON.parse(value ?? '') as { e?: unknown; c?: unknown };
    if (typeof v.e === 'string') return { environment: v.e, channelId: typeof v.c === 'string' ? v.c : null };
  } catch { /* below */ }
  return { environment: '', channelId: null };
}
