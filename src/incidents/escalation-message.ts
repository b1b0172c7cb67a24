/**
 * What one escalation step says (pure): in the incident's thread and by direct message, with the
 * Acknowledge / Escalate now / Resolve buttons, and as the notification the other sinks carry.
 */
import type { EscalationStep } from '../domain/escalation-schedule.js';
import type { Incident } from '../domain/incident.js';
import type { Notification } from '../domain/ports.js';
import { MAX_SECTION_TEXT_CHARS } from '../domain/slack-limits.js';

export const ACKNOWLEDGE_ACTION = 'incident_acknowledge';
export const ESCALATE_NOW_ACTION = 'incident_escalate_now';
export const RESOLVE_ACTION = 'incident_resolve';

type Block = { type: string; block_id?: string } & Record<string, unknown>;
export interface EscalationSlackMessage { text: string; blocks: Block[] }

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');

/** A user (U…/W…) as a mention, a user group (S…) as a group mention. */
export function mentionOf(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

export function stepWords(step: EscalationStep): string {
  const again = step.round > 0 ? ' (escalated again: still unresolved after the acknowledgement)' : '';
  return step.kind === 'page' ? `Level ${step.level} paged${again}` : `Reminder ${step.reminder} to level ${step.level}: not acknowledged yet`;
}

const button = (actionId: string, text: string, value: string, style?: 'primary' | 'danger', confirm?: string) => ({
  type: 'button', action_id: actionId, value, text: { type: 'plain_text', text },
  ...(style ? { style } : {}),
  ...(confirm ? { confirm: { title: { type: 'plain_text', text: 'Are you sure?' }, text: { type: 'plain_text', text: confirm }, confirm: { type: 'plain_text', text }, deny: { type: 'plain_text', text: 'Cancel' } } } : {}),
});

export function escalationButtons(incidentId: string): Block {
  return {
    type: 'actions', block_id: `incident_escalation:${incidentId}`,
    elements: [
      button(ACKNOWLEDGE_ACTION, 'Acknowledge', incidentId, 'primary'),
      button(ESCALATE_NOW_ACTION, 'Escalate now', incidentId, undefined, 'Page the next level now.'),
      button(RESOLVE_ACTION, 'Resolve', incidentId, 'danger', 'Resolve the incident: escalation stops and the report is written.'),
    ],
  };
}

export function escalationSlackMessage(incident: Incident, step: EscalationStep, who: readonly string[], link: string | null): EscalationSlackMessage {
  const mentions = who.map(mentionOf).join(' ');
  const head = `🚨 *${stepWords(step)}* — ${incident.severity} incident \`${incident.id}\` in *${escape(incident.environment)}*: ${escape(incident.summary)}`;
  const body = [head, mentions, link ? `<${link}|Open the incident>` : null].filter(Boolean).join('\n');
  return {
    text: cut(`${stepWords(step)}: ${incident.severity} incident in ${incident.environment}: ${incident.summary}`, 3000),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cut(body, MAX_SECTION_TEXT_CHARS) } }, escalationButtons(incident.id)],
  };
}

export function escalationNotification(incident: Incident, step: EscalationStep, now: Date): Notification {
  return {
    level: 'ERROR',
    title: `${stepWords(step)}: ${incident.severity} incident in ${incident.environment}`,
    text: `${incident.summary}\nAcknowledge it in Slack (incident ${incident.id}) to stop the escalation.`,
    environment: incident.environment,
    ...(incident.operationId ? { deploymentId: incident.operationId } : {}),
    fields: { incident: incident.id, level: String(step.level), step: step.id, due: step.dueAt.toISOString() },
    at: now,
  };
}
