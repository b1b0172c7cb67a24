/**
 * An incident: opened when a rollback fails (or by a person), worked in a Slack channel or thread,
 * acknowledged, escalated and resolved. Plain data and pure transitions; the store
 * (src/incidents/incident-store.ts) persists what these functions return, under a lock.
 */
import { BadInputError, ExitCode, RipcordError } from './errors.js';
import type { DatabaseRollback } from './operation-report.js';

export type IncidentState = 'open' | 'acknowledged' | 'resolved';
export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where the incident is worked in Slack: its own channel, or a thread in the incidents channel. */
export interface SlackPlacement {
  mode: 'channel' | 'thread';
  /** Channel ID. */
  channel: string;
  /** The summary message: the thread everything about the incident is posted in. */
  ts: string;
  /** Why a channel was asked for but a thread was used (creation failed), in words. */
  fellBackBecause?: string;
}

export type TimelineKind =
  | 'detected' | 'decision' | 'rollback_executed' | 'verification'
  | 'opened' | 'severity' | 'acknowledged' | 'escalated' | 'resolved' | 'note';

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  text: string;
  /** Who did it: a Slack user ID (U…), "cli:<user>" or "ripcord". */
  by?: string;
}

/** What failed and what Ripcord already did, read from the operation's journal (src/domain/incident-failure.ts). */
export interface IncidentFailure {
  operationKind: 'deploy' | 'rollback';
  /** "automatic" for a deploy's own rollback, else the manual kind (quick, commit, backup, full). */
  rollbackType: string;
  /** Runbook level 1/2/3 when known. */
  rollbackLevel: number | null;
  ref: string | null;
  previousSha: string | null;
  targetSha: string | null;
  reason: string;
  /** The rollback steps in order, with their outcome. */
  steps: Array<{ name: string; outcome: 'ok' | 'failed' | 'skipped' | 'not_run'; reason?: string }>;
  /** The step the rollback stopped at, if one failed. */
  stoppedAt: string | null;
  /** The backup that holds the state before the rollback touched anything (safety, else pre-deploy). */
  safetyBackup: string | null;
  preDeployBackup: string | null;
  /**
   * What the rollback did to the database, from the journal; null when its database step never
   * finished (the database was not put back); absent in incidents recorded before it was kept.
   */
  database?: DatabaseRollback | null;
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string;
}

export interface Incident {
  /** e.g. "inc-20261130-production-3f9a": a file name, a CLI argument and a button value. */
  id: string;
  environment: string;
  /** The operation whose rollback failed: one incident per operation (null when opened by hand). */
  operationId: string | null;
  summary: string;
  severity: Severity;
  state: IncidentState;
  openedAt: string;
  openedBy: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** The contact level currently paged (1 when opened). */
  escalationLevel: number;
  timeline: TimelineEntry[];
  slack: SlackPlacement | null;
  failure: IncidentFailure | null;
  /** The report in Markdown, filled in on resolve (src/domain/incident-report.ts). */
  report: string | null;
  /** Owned by the escalation timers; kept as they left it. */
  escalation?: Record<string, unknown>;
}

export interface OpenIncidentInput {
  id: string;
  environment: string;
  operationId: string | null;
  summary: string;
  openedBy: string;
  severity?: Severity;
  failure?: IncidentFailure | null;
  /** Operation events (detection, decision, …) from the journal, with their real times. */
  history?: readonly TimelineEntry[];
}

const byTime = (a: TimelineEntry, b: TimelineEntry) => a.at.localeCompare(b.at);

export function openIncident(input: OpenIncidentInput, now: Date): Incident {
  const at = now.toISOString();
  const opened: TimelineEntry = { at, kind: 'opened', text: `incident opened: ${input.summary}`, by: input.openedBy };
  return {
    id: input.id, environment: input.environment, operationId: input.operationId,
    summary: input.summary, severity: input.severity ?? (input.failure ? 'P1' : 'P2'), state: 'open',
    openedAt: at, openedBy: input.openedBy,
    acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null,
    escalationLevel: 1,
    timeline: [...(input.history ?? []), opened].sort(byTime),
    slack: null, failure: input.failure ?? null, report: null,
  };
}

/** A unique, file-safe ID: date, environment, random suffix (given by the caller, so this stays pure). */
export function incidentId(now: Date, environment: string, random: string): string {
  return `inc-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${environment}-${random}`;
}

export const INCIDENT_ID = /^inc-\d{8}-[a-z][a-z0-9_-]{0,31}-[a-z0-9]{4,12}$/;

/** One incident per failure: the open or closed incident already recorded for this operation, if any. */
export function incidentForOperation(existing: readonly Incident[], operationId: string | null): Incident | null {
  if (operationId === null) return null;
  return existing.find((i) => i.operationId === operationId) ?? null;
}

export class IncidentStateError extends RipcordError {
  constructor(message: string, fix: string) {
    super('precondition_failed', message, fix, ExitCode.refused);
  }
}

function notResolved(incident: Incident, action: string): void {
  if (incident.state === 'resolved') {
    throw new IncidentStateError(`incident ${incident.id} was resolved at ${incident.resolvedAt} by ${incident.resolvedBy}; it cannot be ${action}`,
      `open a new one with \`/incident open ${incident.environment} <summary>\` or \`ripcord incidents open --env ${incident.environment}\``);
  }
}

const withEntry = (incident: Incident, entry: TimelineEntry): TimelineEntry[] => [...incident.timeline, entry];

/** First acknowledgement wins; a second one is a no-op (returns the incident unchanged). */
export function acknowledge(incident: Incident, by: string, now: Date): Incident {
  notResolved(incident, 'acknowledged');
  if (incident.state === 'acknowledged') return incident;
  const at = now.toISOString();
  return { ...incident, state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, timeline: withEntry(incident, { at, kind: 'acknowledged', text: `acknowledged by ${by}`, by }) };
}

/** Resolving twice is a no-op; `report` is the rendered report stored with the incident. */
export function resolve(incident: Incident, by: string, now: Date, report: (resolved: Incident) => string): Incident {
  if (incident.state === 'resolved') return incident;
  const at = now.toISOString();
  const resolved: Incident = {
    ...incident, state: 'resolved', resolvedAt: at, resolvedBy: by,
    acknowledgedAt: incident.acknowledgedAt ?? at, acknowledgedBy: incident.acknowledgedBy ?? by,
    timeline: [
      ...incident.timeline,
      ...(incident.acknowledgedAt ? [] : [{ at, kind: 'acknowledged' as const, text: `acknowledged by ${by} (on resolve)`, by }]),
      { at, kind: 'resolved', text: `resolved by ${by}`, by },
    ],
  };
  return { ...resolved, report: report(resolved) };
}

/** Pages the next level now (the timers own when; this records that it happened). */
export function escalate(incident: Incident, by: string, now: Date, maxLevel: number): Incident {
  notResolved(incident, 'escalated');
  if (incident.escalationLevel >= maxLevel) {
    throw new IncidentStateError(`incident ${incident.id} is already at level ${incident.escalationLevel}, the last configured level`, `add contacts.level${maxLevel + 1} to environments.${incident.environment} in ripcord.yml, or page people directly`);
  }
  const level = incident.escalationLevel + 1;
  return { ...incident, escalationLevel: level, timeline: withEntry(incident, { at: now.toISOString(), kind: 'escalated', text: `escalated to level ${level} by ${by}`, by }) };
}

export function parseSeverity(text: string): Severity {
  const s = text.trim().toUpperCase();
  if ((SEVERITIES as readonly string[]).includes(s)) return s as Severity;
  throw new BadInputError(`severity ${JSON.stringify(text)} is not one of P1, P2, P3, P4`, 'use P1 (outage) … P4 (minor), e.g. `/incident severity P2`');
}

export function setSeverity(incident: Incident, severity: Severity, by: string, now: Date): Incident {
  notResolved(incident, 'changed');
  if (incident.severity === severity) return incident;
  return { ...incident, severity, timeline: withEntry(incident, { at: now.toISOString(), kind: 'severity', text: `severity ${incident.severity} → ${severity} by ${by}`, by }) };
}

export function placeInSlack(incident: Incident, slack: SlackPlacement): Incident {
  return { ...incident, slack };
}

export function addNote(incident: Incident, text: string, by: string, now: Date): Incident {
  return { ...incident, timeline: withEntry(incident, { at: now.toISOString(), kind: 'note', text, by }) };
}
