/**
 * The Slack messages of an incident, as Block Kit (pure): the pinned summary (what failed, what
 * Ripcord already did and where it stopped, what the database got, the backups that hold the
 * state before, the exact break-glass command, who is paged, severity buttons), the runbook
 * checklists as checkboxes people tick, and the report. Cut to Slack's limits (src/domain/slack-limits.ts).
 */
import { describeFailureDatabase } from '../domain/incident-failure.js';
import type { Incident, Severity } from '../domain/incident.js';
import { SEVERITIES } from '../domain/incident.js';
import type { BackupStanding } from '../domain/backup-check.js';
import { breakGlassCommand, CHECKLISTS, preDeployBackupNote, type ChecklistPhase } from '../domain/incident-runbook.js';
import { MAX_HEADER_TEXT_CHARS, MAX_SECTION_TEXT_CHARS } from '../domain/slack-limits.js';

type Block = { type: string; block_id?: string } & Record<string, unknown>;
export interface IncidentSlackMessage { text: string; blocks: Block[] }

export const SEVERITY_ACTION = 'incident_severity';
export const CHECKLIST_ACTION = 'incident_checklist';
/** Checkbox option text is plain/mrkdwn ≤ 75 characters in real Slack. */
const OPTION_TEXT_MAX = 75;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
/** Outside text cannot form mentions, links or broadcasts. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
const section = (mrkdwn: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: cut(mrkdwn, MAX_SECTION_TEXT_CHARS) } });
const mention = (who: string) => (/^[UW][A-Z0-9]+$/.test(who) ? `<@${who}>` : escape(who));

const STEP_MARK = { ok: '✅', failed: '❌', skipped: '⏭️', not_run: '⬜' } as const;

function didLines(incident: Incident): string {
  const f = incident.failure;
  if (!f) return 'Nothing yet: opened by hand.';
  const step = (s: (typeof f.steps)[number]) => (s.name === 'restore_database' && s.outcome !== 'not_run' ? databaseStep(incident) : null) ?? `${STEP_MARK[s.outcome]} ${s.name}`;
  const steps = f.steps.map((s) => `${step(s)}${s.reason ? ` — ${escape(cut(s.reason, 300))}` : ''}`);
  const stopped = f.stoppedAt ? `*Stopped at ${f.stoppedAt}.*` : '';
  return [`${f.rollbackType} rollback${f.rollbackLevel ? ` (Level ${f.rollbackLevel})` : ''}:`, ...steps, stopped].filter(Boolean).join('\n');
}

/** " — CORRUPT: why" for a backup the backup dir shows corrupt; nothing when it is fine or could not be looked at. */
function corruptNote(name: string, backups: readonly BackupStanding[] | null): string {
  const corrupt = backups?.find((b) => b.name === name)?.corrupt;
  return corrupt ? ` — :x: *CORRUPT*: ${escape(cut(corrupt, 300))}` : '';
}

function backupLines(incident: Incident, backups: readonly BackupStanding[] | null): string {
  const f = incident.failure;
  if (!f) return 'none recorded';
  return [
    f.preDeployBackup ? `pre-deploy: \`${f.preDeployBackup}\` (the database before the deploy)${corruptNote(f.preDeployBackup, backups)}` : null,
    f.safetyBackup ? `safety: \`${f.safetyBackup}\` (the database before the rollback touched it)${corruptNote(f.safetyBackup, backups)}` : null,
  ].filter(Boolean).join('\n') || 'none: no backup was taken before the failure';
}

function noteLine(incident: Incident, backups: readonly BackupStanding[] | null): string {
  const note = preDeployBackupNote(incident.failure, backups);
  return note ? `:warning: ${escape(note)}\n` : '';
}

/** The database step by what it did: a kept database is not a ✅ restore. */
function databaseStep(incident: Incident): string | null {
  switch (incident.failure?.database?.action) {
    case 'kept': return '⚪ database kept';
    case 'restored': return '✅ database restored';
    case 'not_restored': return '❌ database NOT restored';
    default: return null;
  }
}

function severityButtons(incident: Incident): Block {
  return {
    type: 'actions', block_id: `${SEVERITY_ACTION}:${incident.id}`,
    elements: SEVERITIES.map((s: Severity) => ({
      type: 'button', action_id: `${SEVERITY_ACTION}_${s}`, value: `${incident.id}|${s}`,
      text: { type: 'plain_text', text: s === incident.severity ? `● ${s}` : s },
      ...(s === 'P1' ? { style: 'danger' } : {}),
    })),
  };
}

/**
 * The summary people see first (pinned): everything needed to act without scrolling. `backups` is
 * what the backup dir shows now (null where it cannot be read): a corrupt backup is marked, and
 * the command never names one.
 */
export function incidentSummaryMessage(incident: Incident, paged: readonly string[], backups: readonly BackupStanding[] | null = null): IncidentSlackMessage {
  const f = incident.failure;
  const title = `🚨 ${incident.severity} incident in ${incident.environment}: ${incident.summary}`;
  const database = f ? describeFailureDatabase(f) : null;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, MAX_HEADER_TEXT_CHARS), emoji: true } },
    section(`*What failed*\n${escape(f?.reason ?? incident.summary)}`),
    section(`*What Ripcord already did*\n${didLines(incident)}`),
    ...(database ? [section(`*The database*\n${escape(database)}`)] : []),
    section(`*Backups that hold the state before*\n${backupLines(incident, backups)}`),
    section(`*What to do now*\nOn the host (works without Slack and Redis):\n\`\`\`${breakGlassCommand(incident, backups)}\`\`\`\n${noteLine(incident, backups)}Then \`/incident ack\` here, and \`/incident resolve\` once it is healthy.`),
    { type: 'context', elements: [{ type: 'mrkdwn', text: cut(`\`${incident.id}\` · state *${incident.state}* · level ${incident.escalationLevel} paged: ${paged.length ? paged.map(mention).join(' ') : 'nobody configured (contacts.level1)'}`, MAX_SECTION_TEXT_CHARS) }] },
    severityButtons(incident),
  ];
  return { text: cut(title, 3000), blocks };
}

/** The runbook's three checklists as checkboxes, in one message (one post, within the per-channel rate); ticks go on the timeline. */
export function checklistMessage(incident: Incident): IncidentSlackMessage {
  const phases = Object.keys(CHECKLISTS) as ChecklistPhase[];
  return {
    text: 'Rollback checklists: before, during, after',
    blocks: phases.flatMap((phase) => {
      const list = CHECKLISTS[phase];
      return [
        section(`*${list.title}*`),
        {
          type: 'actions', block_id: `${CHECKLIST_ACTION}:${incident.id}:${phase}`,
          elements: [{
            type: 'checkboxes', action_id: `${CHECKLIST_ACTION}_${phase}`,
            options: list.items.map((item, i) => ({ text: { type: 'mrkdwn', text: cut(item, OPTION_TEXT_MAX) }, value: String(i) })),
          }],
        },
      ];
    }),
  };
}

/** The filled-in report, posted in the thread on resolve (the Markdown in a code-free section set). */
export function reportMessage(incident: Incident): IncidentSlackMessage {
  const md = incident.report ?? '';
  const chunks: string[] = [];
  for (let rest = md; rest.length > 0; rest = rest.slice(2900)) chunks.push(rest.slice(0, 2900));
  return { text: `Incident report ${incident.id}`, blocks: chunks.slice(0, 10).map((c) => section(c)) };
}

/** The checklist item a tick names, for the timeline. */
export function checklistItem(phase: string, index: string): string | null {
  const list = CHECKLISTS[phase as ChecklistPhase];
  return list?.items[Number(index)] ?? null;
}
