/**
 * How an incident record (src/domain/incident.ts) feeds the escalation schedule and records what
 * the timers sent. Pure. The facts come from the timeline — acknowledgements, and "Escalate now"
 * presses by people (entries by `ripcord` are the timers' own) — so the schedule needs nothing
 * the lifecycle functions do not already record.
 */
import type { EscalationFacts, EscalationStep } from './escalation-schedule.js';
import type { Incident } from './incident.js';

/** Who the timers' own timeline entries are by. */
export const TIMERS = 'ripcord';

interface EscalationRecord { sent: Record<string, string> }

export function escalationFacts(incident: Incident): EscalationFacts {
  const at = (kind: string) => incident.timeline.filter((e) => e.kind === kind && e.by !== TIMERS).map((e) => new Date(e.at));
  return {
    openedAt: new Date(incident.openedAt),
    acknowledgedAt: at('acknowledged'),
    escalatedAt: at('escalated'),
    resolvedAt: incident.resolvedAt ? new Date(incident.resolvedAt) : null,
  };
}

export function sentSteps(incident: Incident): Map<string, Date> {
  const sent = (incident.escalation as Partial<EscalationRecord> | undefined)?.sent ?? {};
  return new Map(Object.entries(sent).map(([id, at]) => [id, new Date(at)]));
}

/**
 * The incident with `step` recorded as sent at `now`: a page raises the level being paged and
 * goes on the timeline; the first page of a new round also makes an acknowledged incident open
 * again, so the next Acknowledge counts. Returns the same object when the step was recorded already.
 */
export function withStepSent(incident: Incident, step: EscalationStep, now: Date): Incident {
  const record = (incident.escalation as Partial<EscalationRecord> | undefined) ?? {};
  if (record.sent?.[step.id]) return incident;
  const at = now.toISOString();
  const escalation = { ...record, sent: { ...record.sent, [step.id]: at } };
  if (step.kind === 'reminder') return { ...incident, escalation };
  const again = step.round > 0 && step.level === firstPagedLevel(incident, step);
  const text = again
    ? `still unresolved after the acknowledgement: escalating again, level ${step.level} paged`
    : `level ${step.level} paged`;
  return {
    ...incident,
    escalation,
    state: again && incident.state === 'acknowledged' ? 'open' : incident.state,
    escalationLevel: again ? step.level : Math.max(incident.escalationLevel, step.level),
    timeline: [...incident.timeline, { at, kind: 'escalated', text, by: TIMERS }],
  };
}

/** True for the first page of `step`'s round: nothing of that round was sent before it. */
function firstPagedLevel(incident: Incident, step: EscalationStep): number {
  const sent = Object.keys((incident.escalation as Partial<EscalationRecord> | undefined)?.sent ?? {});
  return sent.some((id) => id.startsWith(`r${step.round}-`)) ? -1 : step.level;
}
