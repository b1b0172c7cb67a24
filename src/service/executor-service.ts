/**
 * `ripcord start` / `ripcord executor`: the long-running executor of this host's environments.
 * Start: recover every unfinished journal (no Redis needed, so a crashed deploy is undone even
 * while Redis is down) → wait for Redis, saying so → claim the environments (refused when another
 * executor serves one) → publish the recoveries to their operations' streams → take jobs (one
 * queue per environment, concurrency 1) → escalation timers of the incidents → scheduled backups
 * under the environment lock → outbox flushed on an interval → /healthz and /metrics. Stop (SIGTERM): take no new job, let the running
 * one finish, release everything.
 */
import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { openExecutorEnv } from '../executor/executor-env.js';
import { recoverEnvironment } from '../executor/recovery.js';
import type { OperationReport } from '../executor/report.js';
import { flushOutboxFor } from '../notify/notifier-for.js';
import { performOperation } from '../operations/perform-operation.js';
import { eventOfProgress } from '../operations/service-report.js';
import { startBackupScheduler, type BackupScheduler } from '../queue/backup-scheduler.js';
import { ExecutorClaims } from '../queue/executor-claim.js';
import { openPublisher } from '../queue/operation-events.js';
import { eventStreamKey } from '../queue/operation-jobs.js';
import { createOperationWorker, retentionMs, type OperationObserver } from '../queue/operation-worker.js';
import { OperationSubmitter } from '../queue/operation-submitter.js';
import { durableConnection, safeUrl } from '../queue/redis-connections.js';
import { EscalationService } from './escalation-service.js';
import { boundAddress, serveEndpoints } from './http-endpoints.js';
import { lockedScheduledRun, serviceNotifier } from './scheduled-backups.js';
import { ServiceMetrics } from './service-metrics.js';

export interface ExecutorServiceOptions {
  config: RipcordConfig;
  environments: readonly string[];
  log: Logger;
  /** Progress of starting and stopping, in words, for the terminal. */
  say: (line: string) => void;
  /** Scheduled backups (default true). */
  backups?: boolean;
  /** Aborted by SIGTERM: a start still waiting for Redis gives up instead of hanging. */
  signal?: AbortSignal;
}

export class ExecutorService {
  private readonly workers: Worker[] = [];
  private scheduler: BackupScheduler | null = null;
  private server: Server | null = null;
  private claims: ExecutorClaims | null = null;
  private flushTimer: NodeJS.Timeout | undefined;
  private submitter: OperationSubmitter | null = null;
  /** Escalation timers of the environments' incidents. */
  escalation: EscalationService | null = null;
  private stopping: Promise<void> | null = null;
  readonly metrics: ServiceMetrics;
  /** host:port of /healthz and /metrics once listening. */
  listening = '';

  private constructor(private readonly opts: ExecutorServiceOptions, private readonly redis: Redis, private readonly events: Redis) {
    this.metrics = new ServiceMetrics(opts.config, opts.environments, (env) => this.submitter?.depth(env) ?? Promise.resolve(Number.NaN));
  }

  static async start(opts: ExecutorServiceOptions): Promise<ExecutorService> {
    const recovered = await recoverAll(opts);
    const redis = durableConnection(opts.config.redis.url);
    const service = new ExecutorService(opts, redis, durableConnection(opts.config.redis.url));
    try {
      await service.boot(recovered);
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  }

  private async boot(recovered: OperationReport[]): Promise<void> {
    const { config, environments, log, say } = this.opts;
    await waitForRedis(this.redis, config.redis.url, say, this.opts.signal);
    this.claims = await ExecutorClaims.claim(this.redis, config.redis.prefix, environments, log);
    await this.metrics.loadHistory(environments);
    for (const report of recovered) await this.publishRecovery(report);
    this.submitter = await OperationSubmitter.connect(config);
    for (const environment of environments) {
      const worker = createOperationWorker({ config, environment, connection: this.redis, events: this.events, log, observer: this.observer() });
      worker.on('error', (err) => log.warn({ err, env: environment }, 'queue worker error'));
      this.workers.push(worker);
      void worker.run().catch((err: unknown) => log.error({ err, env: environment }, 'queue worker stopped'));
    }
    this.escalation = await EscalationService.start({ config, environments, connection: this.redis, log });
    if (this.opts.backups !== false) {
      const envs = Object.fromEntries(environments.map((e) => [e, config.environments[e]!]));
      this.scheduler = await startBackupScheduler({ environments: envs, stateDir: config.stateDir, redisUrl: config.redis.url, prefix: config.redis.prefix, notifier: serviceNotifier(config, log), run: lockedScheduledRun(config, log) });
    }
    this.flushTimer = setInterval(() => void this.flushOutboxes(), config.service.outboxFlushSeconds * 1000);
    this.flushTimer.unref();
    this.server = await serveEndpoints(config.service.listen, this.metrics, () => this.health());
    this.listening = boundAddress(this.server);
    say(`executor serving ${environments.join(', ')} (pid ${process.pid}); /healthz and /metrics on http://${this.listening}`);
  }

  health(): { ok: boolean; problems: string[]; environments: string[] } {
    const problems: string[] = [];
    if (this.redis.status !== 'ready') problems.push(`Redis at ${safeUrl(this.opts.config.redis.url)} is ${this.redis.status}`);
    if (this.stopping) problems.push('stopping');
    for (const w of this.workers) if (!w.isRunning()) problems.push(`worker ${w.name} is not running`);
    if (this.escalation && !this.escalation.isRunning()) problems.push('an escalation worker is not running');
    return { ok: problems.length === 0, problems, environments: [...this.opts.environments] };
  }

  /** Takes no new job, lets the running one finish, then releases everything. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.flushTimer);
      await Promise.all(this.workers.map((w) => w.close()));
      await this.escalation?.stop();
      await this.scheduler?.close();
      await this.claims?.release();
      await this.submitter?.close();
      await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      this.redis.disconnect();
      this.events.disconnect();
    })();
    return this.stopping;
  }

  /** Metrics, and the escalation timers of the incident a failed rollback has just opened (Level 1 is due at once). */
  private observer(): OperationObserver {
    return {
      progress: (environment, event) => this.metrics.progress(environment, event),
      finished: (report) => {
        this.metrics.finished(report);
        if (report.outcome === 'rollback_failed') void this.escalation?.sweep();
      },
    };
  }

  /** A recovered operation that came through the queue: its subscribers see how it ended. */
  private async publishRecovery(report: OperationReport): Promise<void> {
    const { config, log } = this.opts;
    if (!(await this.events.exists(eventStreamKey(config.redis.prefix, report.id)))) return;
    const publisher = await openPublisher(this.events, config.redis.prefix, report.id, retentionMs(config), log);
    for (const step of report.rollback ?? []) publisher.publish(eventOfProgress({ type: 'step_finished', phase: 'rollback', step }));
    publisher.publish({ type: 'report', report });
    this.metrics.finished(report);
    await publisher.drained();
    publisher.close();
  }

  private flushing = false;
  private async flushOutboxes(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const env of this.opts.environments) await flushOutboxFor(this.opts.config, env, this.opts.log);
      await this.escalation?.flushOutboxes();
    } finally {
      this.flushing = false;
    }
  }
}

/**
 * Every unfinished journal of the environments, rolled back, notified and recorded — on the same
 * road as every operation (perform-operation.ts: kept notifications flushed first) — before any job is taken.
 */
async function recoverAll(opts: ExecutorServiceOptions): Promise<OperationReport[]> {
  const reports: OperationReport[] = [];
  for (const name of opts.environments) {
    const x = await openExecutorEnv(opts.config, name, opts.log);
    const after = await performOperation(async () => {
      const result = await recoverEnvironment(x);
      for (const path of result.unreadable) opts.say(`unreadable journal ${path}: inspect it by hand`);
      return result.reports;
    }, {
      config: opts.config, environment: name, log: opts.log, failedAs: { id: '-', kind: 'rollback', environment: name, what: 'recovery' },
      show: (recovered) => { for (const r of recovered) opts.say(`recovered ${r.kind} ${r.id} of ${name}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`); },
    });
    if (after.recordsError) opts.log.warn({ error: after.recordsError }, 'deployment records not written; the journal keeps them');
    reports.push(...after.reports.filter((r) => r.id !== '-'));
  }
  return reports;
}

async function waitForRedis(redis: Redis, url: string, say: (line: string) => void, signal?: AbortSignal): Promise<void> {
  let told = 0;
  for (;;) {
    signal?.throwIfAborted();
    const ok = await Promise.race([redis.ping().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]);
    if (ok) {
      if (told) say(`Redis at ${safeUrl(url)} answers now`);
      return;
    }
    if (Date.now() - told >= 10_000) {
      say(`Redis at ${safeUrl(url)} is not answering; retrying (meanwhile \`ripcord deploy\` and \`ripcord rollback\` work without it)`);
      told = Date.now();
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
