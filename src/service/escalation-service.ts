/**
 * The executor's escalation timers: one BullMQ worker per environment firing the steps of its
 * incidents (src/queue/escalation-timers.ts), and a sweep that schedules the timers every
 * unresolved incident needs — at start (Redis may have lost its jobs) and every few seconds
 * after, so an incident opened, acknowledged or escalated by another process (the CLI, a bot on
 * another host) gets its timers without that process reaching Redis. Scheduling is idempotent
 * (deterministic job IDs), so the sweep never adds a timer twice.
 */
import { webApi } from '@slack/bolt';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { escalationPolicy } from '../domain/escalation-schedule.js';
import { EscalationPinger } from './escalation-ping.js';
import { IncidentEscalations } from '../incidents/escalation-store.js';
import { IncidentStore } from '../incidents/incident-store.js';
import { createEscalationWorker, EscalationTimers, type EscalationJobData, type FireOutcome } from '../queue/escalation-timers.js';

export const SWEEP_MS = 2000;
/** One sweep in this many (every 30 s) adds every unresolved incident's jobs again, known or not. */
const FULL_SWEEP_EVERY = 15;
/** Slack is one of several channels of a ping: a call that hangs must not hold the others' report. */
const SLACK_TIMEOUT_MS = 5000;

export interface EscalationServiceOptions {
  config: RipcordConfig;
  environments: readonly string[];
  connection: Redis;
  log: Logger;
}

export function escalationTimersFor(config: RipcordConfig, connection: Redis, store = new IncidentStore(config.stateDir)): EscalationTimers {
  return new EscalationTimers({
    connection, prefix: config.redis.prefix, incidents: new IncidentEscalations(store),
    policyOf: (env) => escalationPolicy(config.environments[env]!.contacts, config.service.escalationMinuteMs),
  });
}

export class EscalationService {
  private readonly workers: Worker<EscalationJobData, FireOutcome>[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private sweepAgain = false;
  private sweeps = 0;
  private pinger: EscalationPinger | undefined;
  private readonly pinging = new Set<Promise<void>>();
  readonly timers: EscalationTimers;

  private constructor(private readonly opts: EscalationServiceOptions) {
    this.timers = escalationTimersFor(opts.config, opts.connection);
  }

  static async start(opts: EscalationServiceOptions): Promise<EscalationService> {
    const service = new EscalationService(opts);
    const { config, log } = opts;
    const store = new IncidentStore(config.stateDir);
    const slack = config.slack.botToken
      ? new webApi.WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl, timeout: SLACK_TIMEOUT_MS, rejectRateLimitedCalls: true, retryConfig: { retries: 1, maxTimeout: 1000 }, logLevel: webApi.LogLevel.ERROR })
      : null;
    const pinger = new EscalationPinger({ config, store, slack, log: log.child({ component: 'escalation' }) });
    service.pinger = pinger;
    for (const environment of opts.environments) {
      const worker = createEscalationWorker({
        connection: opts.connection, prefix: config.redis.prefix, incidents: new IncidentEscalations(store), environment, log,
        policyOf: (env) => escalationPolicy(config.environments[env]!.contacts, config.service.escalationMinuteMs),
        ping: (id, step) => service.handOff(pinger.ping(id, step)),
      }, service.timers);
      worker.on('error', (err) => log.warn({ err, env: environment }, 'escalation worker error'));
      service.workers.push(worker);
      void worker.run().catch((err: unknown) => log.error({ err, env: environment }, 'escalation worker stopped'));
    }
    await service.sweep();
    service.sweepTimer = setInterval(() => void service.sweep(), SWEEP_MS);
    service.sweepTimer.unref();
    return service;
  }

  /**
   * A ping runs beside the worker, not in its job slot: by then the step is recorded and the next
   * one queued, so holding one of the worker's few slots until every sink has answered would only
   * make the next due jobs wait behind slow sinks. A crash loses that ping either way (the record
   * comes first), never repeats it; `stop` waits for the pings under way.
   */
  private handOff(ping: Promise<void>): Promise<void> {
    this.pinging.add(ping);
    void ping.finally(() => this.pinging.delete(ping));
    return Promise.resolve();
  }

  isRunning(): boolean {
    return this.workers.every((w) => w.isRunning());
  }

  /** Schedules what every unresolved incident needs now; never throws. */
  async sweep(): Promise<void> {
    // A sweep asked for while one runs runs right after it: the incident it is for may be newer.
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = true;
    try {
      do {
        this.sweepAgain = false;
        // Every FULL_SWEEP_EVERY-th sweep re-adds every job, not only new ones: Redis may have lost them.
        if (this.sweeps++ % FULL_SWEEP_EVERY === 0) this.timers.forgetAdded();
        for (const env of this.opts.environments) await this.timers.syncAll(env);
      } while (this.sweepAgain);
    } catch (error) {
      this.opts.log.warn({ err: error }, 'escalation sweep failed; the next one retries');
    } finally {
      this.sweeping = false;
    }
  }

  /** Re-sends what the level targets' outboxes kept. Never throws. */
  async flushOutboxes(): Promise<void> {
    const { log } = this.opts;
    for (const env of this.opts.environments) {
      for (const level of [1, 2, 3]) {
        for (const n of this.pinger?.levelNotifiers(env, level) ?? []) await n.flush().catch((err: unknown) => log.warn({ err, env, level }, 'escalation outbox not flushed'));
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await Promise.all(this.workers.map((w) => w.close()));
    await this.timers.close();
    await Promise.allSettled([...this.pinging]);
    this.pinger?.close();
  }
}
