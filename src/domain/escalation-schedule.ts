/**
 * The escalation schedule of one incident, as a pure function of the contacts policy and what
 * happened (opened, acknowledged, "Escalate now" pressed, resolved). Timers and pings are built
 * on it (src/incidents/escalation-*.ts): a timer fires a step only while the step is still in the
 * schedule computed from the incident as it is then, so an acknowledgement or a resolution that
 * lands before a timer cancels it without touching the timer.
 *
 * Rounds: round 0 starts when the incident opens. Level N is paged `afterMinutes` after its round
 * started and reminded every `remindEveryMinutes` after that until the round ends. An
 * acknowledgement ends the round; if the incident is still unresolved `reescalateAfterMinutes`
 * later, the next round starts from Level 1 again. "Escalate now" pages the next level that is
 * not paged yet at once (and, during the quiet time after an acknowledgement, starts the next
 * round at once). Resolving ends everything.
 */

export type EscalationLevelNumber = 1 | 2 | 3;

export interface EscalationLevelPolicy {
  level: EscalationLevelNumber;
  afterMinutes: number;
  remindEveryMinutes: number;
}

export interface EscalationPolicy {
  /** The configured levels (any of 1–3), in any order. */
  levels: readonly EscalationLevelPolicy[];
  /** Minutes after an acknowledgement before an unresolved incident escalates again. */
  reescalateAfterMinutes: number;
  /** How long one minute of the policy lasts in ms: 60000, shorter in drills and tests. */
  minuteMs: number;
}

/** What happened to the incident, the only input besides the policy. */
export interface EscalationFacts {
  openedAt: Date;
  acknowledgedAt: readonly Date[];
  escalatedAt: readonly Date[];
  resolvedAt: Date | null;
}

export interface EscalationStep {
  /** `r<round>-l<level>-<n>`: n = 0 the page, n ≥ 1 the n-th reminder. Stable for the same facts. */
  id: string;
  round: number;
  level: EscalationLevelNumber;
  kind: 'page' | 'reminder';
  reminder: number;
  dueAt: Date;
  /** When its round was acknowledged or the incident resolved; null while it runs. A step never fires after it. */
  roundEndedAt: Date | null;
}

interface Round {
  index: number;
  startedAt: number;
  /** When each level is paged (ms), after "Escalate now" moved some earlier. */
  pagedAt: Map<EscalationLevelNumber, number>;
  /** When the round ended (acknowledged or resolved); Infinity while it runs. */
  endsAt: number;
}

const stepId = (round: number, level: number, n: number) => `r${round}-l${level}-${n}`;

/** Every step due at or before `until`, ordered by due time then level. */
export function escalationSteps(policy: EscalationPolicy, facts: EscalationFacts, until: Date): EscalationStep[] {
  const end = Math.min(until.getTime(), facts.resolvedAt?.getTime() ?? Infinity);
  const steps: EscalationStep[] = [];
  for (const round of rounds(policy, facts, end)) {
    for (const lp of policy.levels) {
      const paged = round.pagedAt.get(lp.level)!;
      const last = Math.min(end, round.endsAt);
      // A step due exactly when the round ends is cancelled: the acknowledgement came first.
      if (paged > last || paged === round.endsAt) continue;
      const roundEndedAt = Number.isFinite(round.endsAt) ? new Date(round.endsAt) : null;
      steps.push({ id: stepId(round.index, lp.level, 0), round: round.index, level: lp.level, kind: 'page', reminder: 0, dueAt: new Date(paged), roundEndedAt });
      const every = lp.remindEveryMinutes * policy.minuteMs;
      for (let n = 1; paged + n * every <= last && paged + n * every < round.endsAt; n++) {
        steps.push({ id: stepId(round.index, lp.level, n), round: round.index, level: lp.level, kind: 'reminder', reminder: n, dueAt: new Date(paged + n * every), roundEndedAt });
      }
    }
  }
  return steps.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.level - b.level || a.reminder - b.reminder);
}

/**
 * What timers should exist at `now`: every step already due and not sent yet (of a level's
 * overdue reminders only the latest: after an outage one reminder says it, not twelve), and the
 * group of steps due next. Empty when the incident is resolved or nothing is configured.
 */
export function pendingSteps(policy: EscalationPolicy, facts: EscalationFacts, sent: ReadonlySet<string>, now: Date): EscalationStep[] {
  if (policy.levels.length === 0) return [];
  const horizon = now.getTime() + lookaheadMs(policy);
  const unsent = escalationSteps(policy, facts, new Date(horizon)).filter((s) => !sent.has(s.id) && live(s, now));
  const due = unsent.filter((s) => s.dueAt.getTime() <= now.getTime());
  const latestReminder = new Map<string, number>();
  for (const s of due) if (s.kind === 'reminder') latestReminder.set(`${s.round}-${s.level}`, s.reminder);
  const overdue = due.filter((s) => s.kind === 'page' || latestReminder.get(`${s.round}-${s.level}`) === s.reminder);
  const later = unsent.filter((s) => s.dueAt.getTime() > now.getTime());
  const next = later[0]?.dueAt.getTime();
  return [...overdue, ...later.filter((s) => s.dueAt.getTime() === next)];
}

/** Whether `stepId` is a step of the schedule as it stands at `now` (not cancelled, already due). */
export function stepStillDue(policy: EscalationPolicy, facts: EscalationFacts, stepIdToFire: string, now: Date): EscalationStep | null {
  return escalationSteps(policy, facts, now).find((s) => s.id === stepIdToFire && live(s, now)) ?? null;
}

/** A step not sent before its round ended (the service was down) is history, not a ping to send now. */
const live = (s: EscalationStep, now: Date) => s.roundEndedAt === null || s.roundEndedAt.getTime() > now.getTime();

/** Long enough that the next step, whatever it is, falls inside it. */
function lookaheadMs(policy: EscalationPolicy): number {
  const longest = Math.max(...policy.levels.map((l) => Math.max(l.afterMinutes, l.remindEveryMinutes)));
  return (longest + policy.reescalateAfterMinutes + 1) * policy.minuteMs;
}

function rounds(policy: EscalationPolicy, facts: EscalationFacts, end: number): Round[] {
  const acks = facts.acknowledgedAt.map((d) => d.getTime()).sort((a, b) => a - b);
  const presses = facts.escalatedAt.map((d) => d.getTime()).sort((a, b) => a - b);
  const resolved = facts.resolvedAt?.getTime() ?? Infinity;
  const out: Round[] = [];
  let startedAt = facts.openedAt.getTime();
  let startingPress: number | undefined;
  while (startedAt <= end && startedAt < resolved) {
    const round = newRound(policy, out.length, startedAt);
    const ack = acks.find((a) => a >= startedAt);
    round.endsAt = Math.min(ack ?? Infinity, resolved);
    // The press that started this round paged its Level 1; it does not also page Level 2.
    presses.forEach((p, i) => { if (i !== startingPress && p >= startedAt && p < round.endsAt) pageNextLevelAt(round, p); });
    out.push(round);
    if (ack === undefined || ack >= resolved) break;
    // After an acknowledgement: the next round at the re-escalation time, or at the first press before it.
    const quietEnds = ack + policy.reescalateAfterMinutes * policy.minuteMs;
    const press = presses.findIndex((p) => p >= ack && p < quietEnds);
    startingPress = press >= 0 ? press : undefined;
    startedAt = press >= 0 ? presses[press]! : quietEnds;
  }
  return out;
}

function newRound(policy: EscalationPolicy, index: number, startedAt: number): Round {
  const pagedAt = new Map(policy.levels.map((l) => [l.level, startedAt + l.afterMinutes * policy.minuteMs] as const));
  return { index, startedAt, pagedAt, endsAt: Infinity };
}

/** "Escalate now" at `at`: the first level not paged yet is paged at `at`. */
function pageNextLevelAt(round: Round, at: number): void {
  const waiting = [...round.pagedAt].filter(([, t]) => t > at).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const next = waiting[0];
  if (next) round.pagedAt.set(next[0], at);
}

/** The policy of an environment's `contacts`, in the time unit the service runs them with. */
export function escalationPolicy(contacts: {
  level1?: { afterMinutes: number; remindEveryMinutes: number } | undefined;
  level2?: { afterMinutes: number; remindEveryMinutes: number } | undefined;
  level3?: { afterMinutes: number; remindEveryMinutes: number } | undefined;
  reescalateAfterMinutes: number;
}, minuteMs: number): EscalationPolicy {
  const levels: EscalationLevelPolicy[] = [];
  ([1, 2, 3] as const).forEach((level) => {
    const c = contacts[`level${level}`];
    if (c) levels.push({ level, afterMinutes: c.afterMinutes, remindEveryMinutes: c.remindEveryMinutes });
  });
  return { levels, reescalateAfterMinutes: contacts.reescalateAfterMinutes, minuteMs };
}
