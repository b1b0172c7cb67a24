/** What the person who pressed an incident button reads (pure). */
import type { Incident } from '../../domain/incident.js';
import { section, type SlackMessage } from './blocks.js';
import { code, escapeText } from './mrkdwn.js';

export type IncidentButtonPressed = 'acknowledge' | 'escalate_now' | 'resolve';

export function incidentButtonAnswer(button: IncidentButtonPressed, incident: Incident, reescalateAfterMinutes: number): SlackMessage {
  const name = `incident ${code(incident.id)} (${escapeText(incident.summary)})`;
  const text = button === 'acknowledge'
    ? `Acknowledged ${name}: escalation stopped. Still unresolved in ${reescalateAfterMinutes} min, it escalates again from level 1.`
    : button === 'escalate_now'
      ? `Escalated ${name}: level ${incident.escalationLevel} is paged now.`
      : `Resolved ${name}: escalation ended; the report is written and stored with the incident.`;
  return { text: text.replace(/[*`]/g, ''), blocks: [section(text)] };
}
