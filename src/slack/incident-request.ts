/**
 * `/incident` text to what was asked, pure: `open [ENV] [summary]`, `list`, `ack [ID]`,
 * `escalate [ID]`, `resolve [ID]`, `severity P1-4 [ID]`, `report [ID]`. Without an ID a command
 * means the incident of the channel it is typed in, else the newest open one ({@link incidentMeant}).
 */
import { BadInputError } from '../domain/errors.js';
import { INCIDENT_ID, parseSeverity, type Incident, type Severity } from '../domain/incident.js';

export type IncidentRequest =
  | { kind: 'open'; environment: string | undefined; summary: string }
  | { kind: 'list' }
  | { kind: 'ack' | 'escalate' | 'resolve' | 'report'; id: string | undefined }
  | { kind: 'severity'; severity: Severity; id: string | undefined };

export const INCIDENT_USAGE = '`/incident open [ENV] [summary]` · `list` · `ack` · `escalate` · `resolve` · `severity P1-4` · `report` (each may end with an incident ID)';

function idOf(word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  if (!INCIDENT_ID.test(word)) throw new BadInputError(`"${word}" is not an incident ID`, 'use an ID from `/incident list`, e.g. inc-20261130-production-3f9a, or leave it out in the incident\'s channel');
  return word;
}

export function parseIncidentCommand(text: string, environments: readonly string[]): IncidentRequest {
  const [verb = '', ...rest] = text.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case 'open': {
      const named = rest[0] !== undefined && environments.includes(rest[0]);
      return { kind: 'open', environment: named ? rest[0] : undefined, summary: (named ? rest.slice(1) : rest).join(' ') };
    }
    case 'list': return { kind: 'list' };
    case 'ack': case 'acknowledge': return { kind: 'ack', id: idOf(rest[0]) };
    case 'escalate': case 'resolve': case 'report': return { kind: verb.toLowerCase() as 'escalate' | 'resolve' | 'report', id: idOf(rest[0]) };
    case 'severity': {
      if (!rest[0]) throw new BadInputError('which severity?', 'e.g. `/incident severity P2` (P1 outage … P4 minor)');
      return { kind: 'severity', severity: parseSeverity(rest[0]), id: idOf(rest[1]) };
    }
    default: throw new BadInputError(verb ? `"/incident ${verb}" is not a command` : 'what about incidents?', `use ${INCIDENT_USAGE}`);
  }
}

/** The incident a command without an ID means: the one worked in this channel, else the newest unresolved. */
export function incidentMeant(unresolved: readonly Incident[], channelId: string | undefined): Incident | null {
  return unresolved.find((i) => i.slack?.mode === 'channel' && i.slack.channel === channelId) ?? unresolved[0] ?? null;
}
