/**
 * Escalation timers: one BullMQ delayed job per step of an incident's schedule
 * (src/domain/escalation-schedule.ts), on one queue per environment, served by the executor that
 * holds the incident store. A job ID is `<incident>-<step>-<due ms>`, so scheduling the same step
 * again (after a restart, a redelivery, a second sync) adds nothing, and a step that "Escalate
 * now" moved earlier gets a job of its own. Delayed jobs live in Redis: a restarted executor
 * fires what fell due while it was down as soon as its worker runs.
 *
 * A job decides nothing from its data: under the incident's lock it fires only when its step is
 * still in the schedule (not acknowledged, not resolved) and not sent yet, and records it there
 * before its ping goes out, so a redelivered job never pings twice and an Acknowledge that lands
 * first always wins. The next step is scheduled from the record just written, before the ping.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { pendingSteps, stepStillDue, type EscalationFacts, type EscalationPolicy, type EscalationStep } from '../domain/escalation-schedule.js';
import { systemClock, type Clock } from '../domain/ports.js';

/** An incident as the timers see it. */
export interface EscalatingIncident {
  id: string;
  environment: string;
  facts: EscalationFacts;
  /** Steps already pinged (their IDs). */
  sent: ReadonlySet<string>;
}

/** The incident store, seen from the timers (src/incidents/escalation-store.ts adapts the real one). */
export interface EscalationIncidents {
  load(id: string): Promise<EscalatingIncident | null>;
  unresolved(environment: string): Promise<EscalatingIncident[]>;
  /**
   * Atomically: `due` picks the step to send from the incident as it is now (null: none — it was
   * acknowledged, resolved or moved), which is recorded as sent at `at` unless it was already.
   * Returns the incident as it is afterwards; null when there is no such incident.
   */
  markSent(id: string, due: (incident: EscalatingIncident) => EscalationStep | null, at: Date): Promise<MarkSent | null>;
}

export interface MarkSent {
  incident: EscalatingIncident;
  /** The step `due` picked, if any. */
  step: EscalationStep | null;
  /** True when this call recorded it (false: recorded before). */
  recorded: boolean;
}

/**
 * Sends one step's pings, or hands them off to be sent (the service does: see
 * src/service/escalation-service.ts); never throws (a failed sink keeps its delivery in the outbox).
 */
export type EscalationPing = (incidentId: string, step: EscalationStep) => Promise<void>;

export interface EscalationJobData { incidentId: string; stepId: string; dueAt: number }

export const escalationQueueName = (environment: string) => `escalation-${environment}`;
export const escalationJobId = (incidentId: string, step: Pick<EscalationStep, 'id' | 'dueAt'>) => `${incidentId}-${step.id}-${step.dueAt.getTime()}`;

/** A job fired a little before its due time (clocks of Node and Redis) still counts as due. */
const EARLY_MS = 250;
const KEEP = { removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 7 * 86_400 } };

export interface EscalationTimersOptions {
  connection: Redis;
  prefix: string;
  incidents: EscalationIncidents;
  policyOf: (environment: string) => EscalationPolicy;
  clock?: Clock;
}

/** The producer side: puts the timers an incident needs now into its environment's queue. */
export class EscalationTimers {
  private readonly queues = new Map<string, Queue<EscalationJobData>>();
  private readonly clock: Clock;
  /**
   * Job IDs this producer has added: adding one again is a no-op in Redis, but not for this
   * process (BullMQ builds, encodes and sends each job), and the sweep would re-add every
   * incident's next steps every few seconds. {@link forgetAdded} empties it, so a Redis that lost
   * its jobs gets them back at the next full sweep.
   */
  private readonly added = new Set<string>();

  constructor(private readonly opts: EscalationTimersOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Schedules what is due next (and anything overdue); call after opening, acknowledging, escalating. */
  async sync(incidentId: string): Promise<EscalationStep[]> {
    const incident = await this.opts.incidents.load(incidentId);
    return incident ? this.syncIncident(incident) : [];
  }

  /** Every unresolved incident of the environment, at start-up: Redis may have lost its jobs. */
  async syncAll(environment: string): Promise<number> {
    const all = await this.opts.incidents.unresolved(environment);
    // One round trip for the whole environment: the sweep runs every few seconds.
    await this.add(environment, all.flatMap((incident) => this.pending(incident).map((step) => this.job(incident.id, step))));
    return all.length;
  }

  async syncIncident(incident: EscalatingIncident): Promise<EscalationStep[]> {
    const steps = this.pending(incident);
    await this.add(incident.environment, steps.map((step) => this.job(incident.id, step)));
    return steps;
  }

  /** The next sync adds every job it needs again, whether this process added it before or not. */
  forgetAdded(): void {
    this.added.clear();
  }

  private async add(environment: string, jobs: Array<ReturnType<EscalationTimers['job']>>): Promise<void> {
    const fresh = jobs.filter((j) => !this.added.has(j.opts.jobId));
    if (fresh.length === 0) return;
    await this.queue(environment).addBulk(fresh);
    if (this.added.size > 100_000) this.added.clear(); // a bound, for a bot that runs for months
    for (const j of fresh) this.added.add(j.opts.jobId);
  }

  private pending(incident: EscalatingIncident): EscalationStep[] {
    return pendingSteps(this.opts.policyOf(incident.environment), incident.facts, incident.sent, this.clock.now());
  }

  private job(incidentId: string, step: EscalationStep) {
    const delay = Math.max(0, step.dueAt.getTime() - this.clock.now().getTime());
    return { name: step.kind, data: { incidentId, stepId: step.id, dueAt: step.dueAt.getTime() }, opts: { jobId: escalationJobId(incidentId, step), delay, ...KEEP } };
  }

  queue(environment: string): Queue<EscalationJobData> {
    let q = this.queues.get(environment);
    if (!q) {
      q = new Queue<EscalationJobData>(escalationQueueName(environment), { connection: this.opts.connection, prefix: this.opts.prefix });
      this.queues.set(environment, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export interface EscalationWorkerOptions extends EscalationTimersOptions {
  environment: string;
  ping: EscalationPing;
  log: Logger;
}

export type FireOutcome = 'sent' | 'cancelled' | 'already_sent' | 'gone';

/** The consumer side, in the executor: fires a step's pings when its job comes due. */
export function createEscalationWorker(opts: EscalationWorkerOptions, timers: EscalationTimers): Worker<EscalationJobData, FireOutcome> {
  return new Worker<EscalationJobData, FireOutcome>(escalationQueueName(opts.environment), (job) => fire(job, opts, timers), {
    connection: opts.connection, prefix: opts.prefix, concurrency: 8, autorun: false,
  });
}

async function fire(job: Job<EscalationJobData>, opts: EscalationWorkerOptions, timers: EscalationTimers): Promise<FireOutcome> {
  const { incidentId, stepId, dueAt } = job.data;
  const now = (opts.clock ?? systemClock).now();
  const due = (incident: EscalatingIncident) => {
    const step = stepStillDue(opts.policyOf(incident.environment), incident.facts, stepId, new Date(now.getTime() + EARLY_MS));
    return step && step.dueAt.getTime() === dueAt ? step : null;
  };
  const marked = await opts.incidents.markSent(incidentId, due, now);
  if (!marked) return 'gone';
  // Whatever this job did, the chain goes on from the incident as just written — before the ping, so a slow ping delays no timer.
  await timers.syncIncident(marked.incident);
  const { step } = marked;
  if (!step) return 'cancelled';
  if (!marked.recorded) return 'already_sent';
  await opts.ping(incidentId, step);
  opts.log.info({ incident: incidentId, step: stepId, level: step.level, kind: step.kind, lateMs: now.getTime() - step.dueAt.getTime() }, 'escalation step recorded and its ping sent off');
  return 'sent';
}
