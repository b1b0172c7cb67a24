/**
 * The executor of one environment as a BullMQ worker: concurrency 1, one job at a time in submit
 * order. Each job is validated again (anyone with Redis access can add one), then the journal
 * decides what a delivery does (src/operations/journal-decision.ts), then the operation runs with
 * every progress event published to its stream, the report last — on the main road every entry
 * point takes (operations/perform-operation.ts): notifications and records follow, as after a CLI deploy.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { openExecutorEnv, type ExecutorEnv } from '../executor/executor-env.js';
import type { ProgressEvent } from '../executor/report.js';
import { priorRun, recoverInterrupted } from '../operations/journal-decision.js';
import { describeOperation, parseRequest, REQUEST_ID, type OperationJobData } from '../operations/request.js';
import { performOperation } from '../operations/perform-operation.js';
import { reportOfFailure, runOperation } from '../operations/run-operation.js';
import { eventOfProgress, refusedReport, type ServiceReport } from '../operations/service-report.js';
import { openPublisher, type EventPublisher } from './operation-events.js';
import { operationQueueName } from './operation-jobs.js';

/** What the service watches: metrics count these. */
export interface OperationObserver {
  progress(environment: string, event: ProgressEvent): void;
  finished(report: ServiceReport): void;
}

export interface OperationWorkerOptions {
  config: RipcordConfig;
  environment: string;
  /** For BullMQ (maxRetriesPerRequest: null). */
  connection: Redis;
  /** For event streams; a connection that retries forever. */
  events: Redis;
  log: Logger;
  observer?: OperationObserver;
}

export function createOperationWorker(opts: OperationWorkerOptions): Worker<OperationJobData, ServiceReport> {
  const { config } = opts;
  // Opened once: finding the compose program runs `compose version`, too slow to repeat per job.
  let opened: Promise<ExecutorEnv> | null = null;
  const executorEnv = async (log: Logger) => {
    opened ??= openExecutorEnv(config, opts.environment, opts.log).catch((error: unknown) => { opened = null; throw error; });
    return { ...(await opened), log: log.child({ env: opts.environment }) };
  };
  const lockDuration = config.service.jobLockSeconds * 1000;
  return new Worker<OperationJobData, ServiceReport>(operationQueueName(opts.environment), (job) => processJob(job, opts, executorEnv), {
    connection: opts.connection, prefix: config.redis.prefix, concurrency: 1, autorun: false,
    // A job of a dead executor is redelivered (after recovery ran); the journal keeps it from running twice.
    lockDuration, stalledInterval: lockDuration, maxStalledCount: 100,
  });
}

export const retentionMs = (config: RipcordConfig) => Math.round(config.service.eventRetentionHours * 3_600_000);

async function processJob(job: Job<OperationJobData>, opts: OperationWorkerOptions, executorEnv: (log: Logger) => Promise<ExecutorEnv>): Promise<ServiceReport> {
  const { config, environment } = opts;
  const operationId = typeof job.data?.operationId === 'string' && REQUEST_ID.test(job.data.operationId) ? job.data.operationId : String(job.id);
  const log = opts.log.child({ env: environment, operation: operationId, job: job.id });
  const publisher = await openPublisher(opts.events, config.redis.prefix, operationId, retentionMs(config), log);
  // Delivered again after it finished (the report is always last): report it, run nothing.
  if (publisher.last?.type === 'report') return publisher.last.report;
  try {
    const data = validJob(job, opts, operationId);
    if (typeof data === 'string') {
      await finish(publisher, refusedReport(job.data ?? {}, operationId, data), opts, log);
      throw new UnrecoverableError(data);
    }
    publisher.publish({ type: 'started', operationId, environment, operation: describeOperation(data.operation), requestedBy: data.requestedBy, source: data.source, executor: `pid ${process.pid} on ${hostname()}`, at: new Date().toISOString() });
    // Whatever goes wrong still ends in a report: subscribers never wait for one that never comes.
    const ref = data.operation.kind === 'deploy' ? data.operation.ref : undefined;
    const after = await performOperation(() => executorEnv(log).then((x) => execute(x, data, opts, publisher)), {
      config, environment, log, failedAs: { id: operationId, kind: data.operation.kind, environment, ref, what: describeOperation(data.operation) },
      // Subscribers get the report first; notifications and records follow.
      show: async ([report]) => { if (report) await finish(publisher, report, opts, log); },
    });
    if (after.recordsError) log.warn({ error: after.recordsError }, 'deployment records not written; the journal keeps them');
    return after.reports[0] ?? reportOfFailure(data, new Error('the operation ended without a report'));
  } finally {
    publisher.close();
  }
}

/** The job as a request, or the reason it is refused. */
function validJob(job: Job<OperationJobData>, opts: OperationWorkerOptions, operationId: string): OperationJobData | string {
  try {
    const { operationId: _id, submittedAt, ...rest } = job.data ?? {} as OperationJobData;
    const request = parseRequest(rest);
    if (request.environment !== opts.environment) return `the job names environment "${request.environment}" but sits in the queue of ${opts.environment} — submit it again through \`submit\``;
    if (!opts.config.environments[request.environment]) return `environment "${request.environment}" is not in this executor's ripcord.yml — use one of: ${Object.keys(opts.config.environments).join(', ')}`;
    return { ...request, operationId, submittedAt: typeof submittedAt === 'string' ? submittedAt : new Date(job.timestamp).toISOString() };
  } catch (error) {
    return error instanceof Error && 'describe' in error ? (error as { describe(): string }).describe() : String(error);
  }
}

async function execute(x: ExecutorEnv, data: OperationJobData, opts: OperationWorkerOptions, publisher: EventPublisher): Promise<ServiceReport> {
  const onProgress = (event: ProgressEvent) => {
    publisher.publish(eventOfProgress(event));
    opts.observer?.progress(data.environment, event);
  };
  const journaled = data.operation.kind === 'deploy' || data.operation.kind === 'rollback';
  const prior = journaled ? await priorRun(x, data.operationId) : { state: 'never_started' as const };
  if (prior.state === 'finished') return prior.report;
  if (prior.state === 'interrupted') return recoverInterrupted(x, data.operationId, onProgress);
  return runOperation(x, data, { onProgress, lockWaitMs: opts.config.service.lockWaitMinutes * 60_000 });
}

async function finish(publisher: EventPublisher, report: ServiceReport, opts: OperationWorkerOptions, log: Logger): Promise<void> {
  publisher.publish({ type: 'report', report });
  opts.observer?.finished(report);
  if (!(await publisher.drained())) log.error('progress events not all in Redis after 60 s; still retrying in the background');
}
