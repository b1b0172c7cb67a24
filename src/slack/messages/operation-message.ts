/**
 * The one message per operation in the environment's channel: a coloured bar (blue while it runs,
 * green succeeded, orange rolled back or refused, red failed or rollback failed), the stage
 * checklist with durations, who asked, and on failure the reason in words. Compact on purpose
 * (Slack refuses messages past ~13k characters of blocks): details go into the thread
 * (`threadDetails`). Pure.
 */
import type { OperationReport } from '../../domain/operation-report.js';
import { isTaskReport } from '../../operations/service-report.js';
import { MAX_SECTION_TEXT_CHARS } from '../limits.js';
import { context, section, sections, type Block, type SlackMessage } from './blocks.js';
import { DATABASE_STEP, databaseLine, databaseStepLabel, databaseThreadLines, liveReleaseLine } from './database-outcome.js';
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

/** The deploy's or rollback's report, once it came (a backup task's report says nothing of these). */
function operationReport(v: OperationView): OperationReport | null {
  return v.report && !isTaskReport(v.report) ? v.report : null;
}

/** One checklist line; the database step says what it did (kept is not a restore), once the report tells. */
function stepLine(s: StepView, report: OperationReport | null): string {
  const took = s.durationMs === null ? 'running…' : duration(s.durationMs);
  const database = s.name === DATABASE_STEP ? databaseStepLabel(report?.database ?? (s.kept ? { action: 'kept', why: s.kept } : undefined)) : null;
  return database ? `${database.mark} ${database.label} — ${took}` : `${MARK[s.state]} ${escapeText(s.name)} — ${took}`;
}

/** Every rollback operation is a manual one (a deploy's own rollback is part of the deploy): its title says so. */
function titleOf(v: OperationView): string {
  const manual = operationReport(v)?.kind === 'rollback' || v.title.startsWith('rollback ');
  return manual ? `manual ${v.title}` : v.title;
}

export function operationMessage(v: OperationView): SlackMessage {
  const state = v.outcome ?? 'running';
  const report = operationReport(v);
  const title = titleOf(v);
  const headline = `*${escapeText(cut(title, 120))}* on *${escapeText(v.environment)}* — ${OUTCOME_WORDS[state]}`;
  const blocks: Block[] = [section(headline)];
  const line = (s: StepView) => stepLine(s, report);
  if (v.stages.length) blocks.push(...sections(v.stages.map(line), 1));
  if (v.rollback.length) blocks.push(...sections(['*Rollback*', ...v.rollback.map(line)], 1));
  const database = report ? databaseLine(report) : null;
  if (database) blocks.push(section(database));
  if (v.reason) blocks.push(section(`*Why:* ${escapeText(cut(v.reason, MAX_SECTION_TEXT_CHARS - 20))}`));
  else if (!v.outcome && v.notes.length) blocks.push(context(escapeText(v.notes.at(-1) ?? '')));
  blocks.push(context(`Asked by ${escapeText(v.requestedBy)} · operation \`${escapeText(v.operationId)}\`${hasThread(v) ? ' · details in the thread' : ''}`));
  return { text: escapeText(`${title} on ${v.environment}: ${OUTCOME_WORDS[state].replace(/^:[a-z_]+: /, '')}`), attachments: [{ color: COLOR[state], blocks }] };
}

/** A thread once the operation ended badly, and after every manual rollback: what it did to the database matters either way. */
function hasThread(v: OperationView): boolean {
  if (!v.outcome) return false;
  return v.outcome !== 'succeeded' || operationReport(v)?.kind === 'rollback';
}

/** The thread under the message: every failed step's reason, what the database got, and the release the host is back on. */
export function threadDetails(v: OperationView): SlackMessage | null {
  if (!v.outcome || !hasThread(v)) return null;
  const lines: string[] = [`*What happened* (${escapeText(v.outcome.replace('_', ' '))})`];
  if (v.reason) lines.push(`Reason: ${escapeText(v.reason)}`);
  for (const s of [...v.stages, ...v.rollback].filter((x) => x.reason)) lines.push(`• ${escapeText(s.name)} (${s.state}): ${escapeText(s.reason ?? '')}`);
  const r = operationReport(v);
  if (r?.preDeployBackup) lines.push(`Pre-deploy backup: \`${escapeText(r.preDeployBackup)}\``);
  if (r) lines.push(...databaseThreadLines(r));
  const live = r ? liveReleaseLine(r) : null;
  if (live) lines.push(live);
  lines.push(`Full record: \`ripcord status --env ${escapeText(v.environment)}\` and the journal of \`${escapeText(v.operationId)}\` on the host`);
  return { text: escapeText(cut(`What happened: ${v.reason ?? v.outcome}`, 3000)), blocks: sections(lines, 6) };
}
