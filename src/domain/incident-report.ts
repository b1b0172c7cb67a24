/**
 * The runbook's incident report, filled in from the incident (its timeline carries the journal's
 * times) — what the machine knows; root cause, prevention and action items are left to people,
 * each with a prompt. Markdown for Slack and the terminal; {@link incidentReportData} for `--json`.
 */
import type { Incident, TimelineEntry, TimelineKind } from './incident.js';
import { describeFailureDatabase } from './incident-failure.js';

export const REPORT_TIMELINE: ReadonlyArray<{ kind: TimelineKind; label: string }> = [
  { kind: 'detected', label: 'Detection' },
  { kind: 'decision', label: 'Decision' },
  { kind: 'rollback_executed', label: 'Rollback executed' },
  { kind: 'verification', label: 'Verification' },
  { kind: 'acknowledged', label: 'Acknowledged' },
  { kind: 'resolved', label: 'Resolved' },
];

export const PEOPLE_PROMPTS = {
  rootCause: '_To be filled in by people: what made the deploy and then the rollback fail?_',
  prevention: '_To be filled in by people: what check, test or guard would have caught it?_',
  actionItems: '_To be filled in by people: one line each — owner, what, by when._',
} as const;

export interface IncidentReportData {
  id: string;
  environment: string;
  date: string;
  startedAt: string;
  endedAt: string | null;
  durationMinutes: number | null;
  severity: string;
  state: string;
  impact: string;
  rollbackType: string | null;
  rollbackLevel: number | null;
  previousVersion: string | null;
  failedVersion: string | null;
  result: string;
  /** What the rollback did to the database, in the report's words; null when the incident does not say. */
  database: string | null;
  timeline: Array<{ event: string; at: string | null; text: string | null; by: string | null }>;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  rootCause: null;
  prevention: null;
  actionItems: null;
}

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : null);

function startOf(incident: Incident): string {
  return incident.failure?.startedAt ?? incident.timeline[0]?.at ?? incident.openedAt;
}

/** The first entry of a kind: when it first happened is what the report's timeline asks. */
const firstOf = (timeline: readonly TimelineEntry[], kind: TimelineKind) => timeline.find((e) => e.kind === kind) ?? null;

function resultOf(incident: Incident): string {
  const f = incident.failure;
  const where = f?.stoppedAt ? `the rollback stopped at ${f.stoppedAt}` : f ? 'the rollback failed' : 'opened by hand';
  const now = incident.state === 'resolved' ? `resolved by ${incident.resolvedBy}` : `still ${incident.state}`;
  return `${where}; ${now}`;
}

function impactOf(incident: Incident): string {
  const f = incident.failure;
  if (!f) return incident.summary;
  const version = f.ref ?? short(f.targetSha) ?? 'the new release';
  return `${incident.environment}: ${f.operationKind === 'deploy' ? `deploy of ${version}` : `a ${f.rollbackType} rollback`} failed and could not be rolled back automatically — ${f.reason}`;
}

export function incidentReportData(incident: Incident): IncidentReportData {
  const started = startOf(incident);
  const ended = incident.resolvedAt;
  const f = incident.failure;
  return {
    id: incident.id, environment: incident.environment,
    date: started.slice(0, 10), startedAt: started, endedAt: ended,
    durationMinutes: ended ? Math.max(0, Math.round((Date.parse(ended) - Date.parse(started)) / 60_000)) : null,
    severity: incident.severity, state: incident.state, impact: impactOf(incident),
    rollbackType: f?.rollbackType ?? null, rollbackLevel: f?.rollbackLevel ?? null,
    previousVersion: short(f?.previousSha ?? null), failedVersion: f ? (f.ref ?? short(f.targetSha)) : null,
    result: resultOf(incident),
    database: f ? describeFailureDatabase(f) : null,
    timeline: REPORT_TIMELINE.map(({ kind, label }) => {
      const e = firstOf(incident.timeline, kind);
      return { event: label, at: e?.at ?? null, text: e?.text ?? null, by: e?.by ?? null };
    }),
    acknowledgedBy: incident.acknowledgedBy, resolvedBy: incident.resolvedBy,
    rootCause: null, prevention: null, actionItems: null,
  };
}

/** Table cells must not break the table: pipes escaped, lines joined. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const hhmm = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '—');

export function renderIncidentReport(incident: Incident): string {
  const d = incidentReportData(incident);
  const level = d.rollbackLevel ? ` (Level ${d.rollbackLevel})` : '';
  return [
    `# Incident report: ${d.id}`,
    '',
    `- **Date and time:** ${hhmm(d.startedAt)}`,
    `- **Duration:** ${d.durationMinutes === null ? 'ongoing' : `${d.durationMinutes} min`}`,
    `- **Environment:** ${d.environment}`,
    `- **Severity:** ${d.severity}`,
    `- **Impact:** ${cell(d.impact)}`,
    `- **Rollback type and level:** ${d.rollbackType ? `${d.rollbackType}${level}` : 'none ran'}`,
    `- **Previous version:** ${d.previousVersion ?? 'unknown'}${d.failedVersion ? ` (failed: ${d.failedVersion})` : ''}`,
    `- **Result:** ${cell(d.result)}`,
    ...(d.database ? [`- **Database:** ${cell(d.database)}`] : []),
    '',
    '## Timeline',
    '',
    '| Event | Time | What happened |',
    '|---|---|---|',
    ...d.timeline.map((t) => `| ${t.event} | ${hhmm(t.at)} | ${t.text ? cell(t.text) : '—'} |`),
    '',
    '## Root cause',
    '',
    PEOPLE_PROMPTS.rootCause,
    '',
    '## Prevention',
    '',
    PEOPLE_PROMPTS.prevention,
    '',
    '## Action items',
    '',
    PEOPLE_PROMPTS.actionItems,
    '',
  ].join('\n');
}
