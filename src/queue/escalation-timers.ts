/**
 * Escalation timers: one BullMQ delayed job per step of an incident's schedule
 * (src/domain/escalation-schedule.ts), on one queue per environment, served by the executor that
 * holds the incident store. A job ID is `<incident>-<step>-<due ms>`, so scheduling the same step
 * again (after a restart, a redelivery, a second sync) adds nothing, and a step that "Escalate
 * now" moved earlier gets a job of its own. Delayed jobs live in Redis: a restarted executor
 * fires what fell due while it was down as soon as its worker runs.
 *
 * A job decides nothing from its data: it reads the incident again and fires only when its step
 * is still in the schedule (not acknowledged, not resolved) and not sent yet — the incident
 * records each step before its ping goes out, so a redelivered job never pings twice.
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
  /** Records `step` as sent at `at`, atomically; false when it was recorded already. */
  markSent(id: string, step: EscalationStep, at: Date): Promise<boolean>;
}

/** Sends one step's pings; never throws (a failed sink keeps its delivery in the outbox). */
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
    for (const incident of all) await this.syncIncident(incident);
    return all.length;
  }

  async syncIncident(incident: EscalatingIncident): Promise<EscalationStep[]> {
    const now = this.clock.now();
    const steps = pendingSteps(this.opts.policyOf(incident.environment), incident.facts, incident.sent, now);
    const queue = this.queue(incident.environment);
    await queue.addBulk(steps.map((step) => ({
      name: step.kind,
      data: { incidentId: incident.id, stepId: step.id, dueAt: step.dueAt.getTime() },
      opts: { jobId: escalationJobId(incident.id, step), delay: Math.max(0, step.dueAt.getTime() - now.getTime()), ...KEEP },
    })));
    return steps;
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
  const { incidentId, stepId } = job.data;
  const log = opts.log.child({ incident: incidentId, step: stepId });
  const incident = await opts.incidents.load(incidentId);
  if (!incident) return 'gone';
  const now = (opts.clock ?? systemClock).now();
  const step = stepStillDue(opts.policyOf(incident.environment), incident.facts, stepId, new Date(now.getTime() + EARLY_MS));
  let outcome: FireOutcome = 'cancelled';
  if (step && step.dueAt.getTime() === job.data.dueAt) {
    if (incident.sent.has(step.id) || !(await opts.incidents.markSent(incidentId, step, now))) outcome = 'already_sent';
    else {
      await opts.ping(incidentId, step);
      log.info({ level: step.level, kind: step.kind, lateMs: now.getTime() - step.dueAt.getTime() }, 'escalation step sent');
      outcome = 'sent';
    }
  }
  // Whatever this job did, the chain goes on from the incident as it is now.
  await timers.sync(incidentId);
  return outcome;
}
