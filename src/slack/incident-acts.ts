/**
 * Acknowledge, Escalate now, Resolve and severity — by button or by `/incident` — as one use case:
 * `permissions.incident` of the incident's environment is checked through the gatekeeper (a
 * refusal is answered privately and audited), the act is audited as asked and, once done, as
 * finished with the incident's state (or why it was refused), then done through the same calls as
 * before: the lifecycle buttons through IncidentActions, so the escalation timers follow at once.
 */
import type { Incident, Severity } from '../domain/incident.js';
import { redactString } from '../domain/redact.js';
import type { Respond } from './access/gatekeeper.js';
import type { SlackUser } from './access/permission-rules.js';
import type { BotContext } from './bot-context.js';
import type { IncidentButton } from './incident-actions.js';

export type IncidentAct = { kind: IncidentButton } | { kind: 'severity'; severity: Severity };

export interface IncidentActor {
  user: SlackUser;
  /** Where it was asked: the incident's channel, a DM, the channel of the command; null when unknown. */
  channel: string | null;
  refuse: Respond;
}

const VERB: Record<IncidentAct['kind'], string> = { acknowledge: 'acknowledge', escalate_now: 'escalate now', resolve: 'resolve', severity: 'severity' };

/** The act in words for the audit trail: "resolve", "severity P2". */
export function describeIncidentAct(act: IncidentAct): string {
  return act.kind === 'severity' ? `severity ${act.severity}` : VERB[act.kind];
}

/** The incident after the act; null when the person was refused (already answered and audited). */
export async function actOnIncident(ctx: BotContext, incidentId: string, act: IncidentAct, who: IncidentActor): Promise<Incident | null> {
  const { environment } = await ctx.incidents.get(incidentId);
  const target = `${describeIncidentAct(act)} ${incidentId}`;
  if (!(await ctx.access.require({ action: 'incident', environment, user: who.user, channel: who.channel, target, respond: who.refuse }))) return null;
  const entry = { environment, action: 'incident', user: who.user, channel: who.channel, target };
  await ctx.access.audit.record({ event: 'asked', ...entry });
  try {
    const incident = await perform(ctx, incidentId, act, who.user.id);
    await ctx.access.audit.record({ event: 'finished', ...entry, detail: incident.state });
    return incident;
  } catch (error) {
    await ctx.access.audit.record({ event: 'finished', ...entry, detail: `refused: ${redactString(error instanceof Error ? error.message : String(error))}` });
    throw error;
  }
}

function perform(ctx: BotContext, id: string, act: IncidentAct, by: string): Promise<Incident> {
  if (act.kind === 'severity') return ctx.incidents.setSeverity(id, act.severity, by);
  if (ctx.escalation) return ctx.escalation.press(act.kind, id, by);
  const s = ctx.incidents;
  return act.kind === 'acknowledge' ? s.acknowledge(id, by) : act.kind === 'resolve' ? s.resolve(id, by) : s.escalateNow(id, by);
}
