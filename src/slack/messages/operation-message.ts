/**
 * The one message per operation in the environment's channel: a coloured bar (blue while it runs,
 * green succeeded, orange rolled back or refused, red failed or rollback failed), the stage
 * checklist with durations, who asked, and on failure the reason in words. Compact on purpose
 * (Slack refuses messages past ~13k characters of blocks): details go into the thread
 * (`threadDetails`). Pure.
 */
import { MAX_SECTION_TEXT_CHARS } from '../limits.js';
import { context, section, sections, type Block, type SlackMessage } from './blocks.js';
import { cut, duration, escapeText } from './mrkdwn.js';
import type { OperationView, StepView } from './operation-view.js';

const COLOR = { running: '#439FE0', succeeded: 'good', rolled_back: 'warning', refused: 'warning', failed: 'danger', rollback_failed: 'danger' } as const;

const OUTCOME_WORDS: Record<keyof typeof COLOR, string> = {
  running: ':hourglass_flowing_sand: in progress',
  succeeded: ':white_check_mark: succeeded',
  rolled_back: ':leftwards_arrow_with_hook: failed and rolled back',
  refused: ':no_entry: refused, nothing changed',
  failed: ':x: failed',
  rollback_failed: ':rotating_light: rollback FAILED — the host needs a person',
};

const MARK: Record<StepView['state'], string> = { running: ':hourglass_flowing_sand:', ok: ':white_check_mark:', failed: ':x:', skipped: ':white_circle:' };

function stepLine(s: StepView): string {
  const took = s.durationMs === null ? 'running…' : duration(s.durationMs);
  return `${MARK[s.state]} ${escapeText(s.name)} — ${took}`;
}

export function operationMessage(v: OperationView): SlackMessage {
  const state = v.outcome ?? 'running';
  const headline = `*${escapeText(cut(v.title, 120))}* on *${escapeText(v.environment)}* — ${OUTCOME_WORDS[state]}`;
  const blocks: Block[] = [section(headline)];
  if (v.stages.length) blocks.push(...sections(v.stages.map(stepLine), 1));
  if (v.rollback.length) blocks.push(...sections(['*Rollback*', ...v.rollback.map(stepLine)], 1));
  if (v.reason) blocks.push(section(`*Why:* ${escapeText(cut(v.reason, MAX_SECTION_TEXT_CHARS - 20))}`));
  else if (!v.outcome && v.notes.length) blocks.push(context(escapeText(v.notes.at(-1) ?? '')));
  blocks.push(context(`Asked by ${escapeText(v.requestedBy)} · operation \`${escapeText(v.operationId)}\`${v.outcome && v.outcome !== 'succeeded' ? ' · details in the thread' : ''}`));
  return { text: escapeText(`${v.title} on ${v.environment}: ${OUTCOME_WORDS[state].replace(/^:[a-z_]+: /, '')}`), attachments: [{ color: COLOR[state], blocks }] };
}

/** The thread under the message once the operation ended badly: every failed step's reason and the rollback. */
export function threadDetails(v: OperationView): SlackMessage | null {
  if (!v.outcome || v.outcome === 'succeeded') return null;
  const lines: string[] = [`*What happened* (${escapeText(v.outcome.replace('_', ' '))})`];
  if (v.reason) lines.push(`Reason: ${escapeText(v.reason)}`);
  for (const s of [...v.stages, ...v.rollback].filter((x) => x.reason)) lines.push(`• ${escapeText(s.name)} (${s.state}): ${escapeText(s.reason ?? '')}`);
  const r = v.report;
  if (r && 'preDeployBackup' in r && r.preDeployBackup) lines.push(`Pre-deploy backup: \`${escapeText(r.preDeployBackup)}\``);
  if (r && 'previousSha' in r && r.previousSha) lines.push(`Back on: \`${escapeText(r.previousSha.slice(0, 12))}\``);
  lines.push(`Full record: \`ripcord status --env ${escapeText(v.environment)}\` and the journal of \`${escapeText(v.operationId)}\` on the host`);
  return { text: escapeText(cut(`What happened: ${v.reason ?? v.outcome}`, 3000)), blocks: sections(lines, 6) };
}
