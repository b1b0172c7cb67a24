/**
 * The ephemeral answer to `/deploy REF [ENV]`: current → target with tags, SHAs and ages, up to
 * ten commits then "and N more", pending migrations, what happens to the database if the deploy
 * fails, who asks, whether the lock is held — and Deploy (behind a confirmation dialog) and
 * Cancel. The Deploy button carries the preview's identity (SHAs, time), never the plan itself.
 * Pure.
 */
import { shortSha } from '../../domain/ref.js';
import type { ReleaseLabel } from '../../operations/host-reads.js';
import { actions, button, context, section, type Block, type SlackMessage } from './blocks.js';
import { age, code, cut, escapeText } from './mrkdwn.js';

export const DEPLOY_CONFIRM_ACTION = 'deploy_confirm';
export const DEPLOY_CANCEL_ACTION = 'deploy_cancel';
const MAX_COMMITS_SHOWN = 10;

export interface DeployPreviewView {
  environment: string;
  ref: string;
  current: ReleaseLabel | null;
  target: ReleaseLabel;
  commits: ReadonlyArray<{ sha: string; subject: string; author: string; date: string }>;
  /** As the deploy preview says: known (none) or not known before it runs, with the migration files this release changes. */
  migrations: { known: boolean; why: string; files: readonly string[] };
  /** In words: whether and when the database is put back if the deploy fails. */
  databaseOnFailure: string;
  stages: readonly string[];
  requestedBy: string;
  lockHeldBy: string | null;
  /** What the Deploy button sends back (see deploy-request.ts). */
  confirmValue: string;
  previewedAt: Date;
}

function label(r: ReleaseLabel, now: Date): string {
  const tags = r.tags.length ? `${r.tags.map(code).join(', ')} ` : '';
  return `${tags}${code(shortSha(r.sha))}${r.date ? ` (${age(r.date, now)})` : ''}`;
}

function commitLines(v: DeployPreviewView): string[] {
  if (v.commits.length === 0) return ['_No new commits: the target is already deployed or behind the current release._'];
  const shown = v.commits.slice(0, MAX_COMMITS_SHOWN).map((c) => `• ${code(shortSha(c.sha))} ${escapeText(cut(c.subject, 120))} — ${escapeText(cut(c.author, 40))}`);
  const more = v.commits.length - shown.length;
  return more > 0 ? [...shown, `…and ${more} more`] : shown;
}

function migrationText(m: DeployPreviewView['migrations']): string {
  if (m.known) return `*Pending migrations:* ${escapeText(m.why)}`;
  const files = m.files.slice(0, 10).map((f) => `• ${code(f)}`);
  if (m.files.length > 10) files.push(`…and ${m.files.length - 10} more`);
  return `*Migration files this release adds or changes (${m.files.length})*\n${files.join('\n') || '_none_'}\n_Not known before it runs: ${escapeText(m.why)}_`;
}

export function deployPreviewMessage(v: DeployPreviewView): SlackMessage {
  const now = v.previewedAt;
  const from = v.current ? label(v.current, now) : '_nothing deployed yet_';
  const blocks: Block[] = [
    section(`*Deploy ${code(v.ref)} to ${escapeText(v.environment)}?*\n${from} → ${label(v.target, now)}`),
    section(`*Commits (${v.commits.length})*\n${commitLines(v).join('\n')}`),
    section(migrationText(v.migrations)),
    section(`*If it fails:* ${escapeText(v.databaseOnFailure)}`),
    context(`Stages: ${v.stages.map(escapeText).join(' → ')}`),
    context(`Asked by ${escapeText(v.requestedBy)}${v.lockHeldBy ? ` · :lock: lock held by ${escapeText(v.lockHeldBy)} — this waits until it is free` : ''}`),
    actions('deploy_preview', [
      button({
        actionId: DEPLOY_CONFIRM_ACTION, text: `Deploy ${cut(v.ref, 40)}`, style: 'primary', value: v.confirmValue,
        confirm: { title: 'Deploy now?', text: `Deploy ${code(v.ref)} (${code(shortSha(v.target.sha))}) to *${escapeText(v.environment)}*. A failure rolls back automatically.`, confirm: 'Deploy', deny: 'Not yet' },
      }),
      button({ actionId: DEPLOY_CANCEL_ACTION, text: 'Cancel', value: 'cancel' }),
    ]),
  ];
  return { text: escapeText(`Deploy ${v.ref} to ${v.environment}? ${v.commits.length} commits, ${v.migrations.files.length} migration files`), blocks };
}

/** `/deploy` with no ref: the newest release tags to pick from. */
export function releasesMessage(environment: string, releases: ReadonlyArray<{ tag: string; sha: string; date: string }>, current: string | null, now: Date): SlackMessage {
  if (releases.length === 0) {
    return { text: `No release tags in ${environment}'s repository`, blocks: [section(`No release tags in *${escapeText(environment)}*'s repository yet. Deploy a branch or SHA: \`/deploy main ${escapeText(environment)}\``)] };
  }
  const lines = releases.map((r) => `• ${code(r.tag)} ${code(shortSha(r.sha))} ${age(r.date, now)}${r.sha === current ? ' — *running now*' : ''}`);
  return {
    text: escapeText(`Newest releases of ${environment}`),
    blocks: [section(`*Newest releases of ${escapeText(environment)}*\n${lines.join('\n')}`), context(`Deploy one with \`/deploy TAG ${escapeText(environment)}\``)],
  };
}

/** Any refusal or error, as an ephemeral answer: what went wrong and what would work. */
export function problemMessage(problem: string, fix: string): SlackMessage {
  return { text: escapeText(cut(`${problem} — ${fix}`, 3000)), blocks: [section(`:warning: ${escapeText(problem)}`), context(escapeText(fix))] };
}
