/**
 * Scheduled backups on BullMQ job schedulers: daily/weekly/monthly cron in the environment's time
 * zone, one queue and one worker (concurrency 1, global concurrency 1) per environment, so two
 * backups of one database never run at once. A slot missed while the executor was down runs once
 * when it comes back — BullMQ's own overdue job when Redis kept it, a catch-up job found from the
 * backup dir when it did not; a run is idempotent per slot, so both firing still makes one backup.
 * A failed run becomes an ERROR notification. On the same queue, the re-verification of the kept
 * dumps (backups.schedule.verify): a dump newly found corrupt is an ERROR notification too.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { reverifyBackups, type ReverifyResult } from '../backups/reverify-backups.js';
import { missedSlots, reverifyScheduleOf, scheduleOf, SCHEDULED_KINDS } from '../backups/schedule.js';
import { runScheduledBackup, type ScheduledRun, type ScheduledRunResult } from '../backups/scheduled-backup.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { RipcordError } from '../domain/errors.js';
import { systemClock, type Clock, type Notifier } from '../domain/ports.js';
import { backupQueueName, backupSchedulerId, catchUpJobId, REVERIFY, type BackupJobData } from './backup-jobs.js';

export interface BackupSchedulerOptions {
  environments: Readonly<Record<string, EnvironmentConfig>>;
  stateDir: string;
  redisUrl: string;
  /** BullMQ key prefix (ripcord.yml redis.prefix); tests use a unique one. */
  prefix: string;
  notifier: Notifier;
  clock?: Clock;
  /** The run itself (default runScheduledBackup); the executor wraps it to hold the environment lock. */
  run?: (run: ScheduledRun) => Promise<ScheduledRunResult>;
  /** The re-verification (default reverifyBackups). */
  reverify?: (env: EnvironmentConfig) => Promise<ReverifyResult>;
}

export interface BackupScheduler {
  /** The queue of each scheduled environment, by environment name. */
  readonly queues: ReadonlyMap<string, Queue<BackupJobData>>;
  /** Stops the workers (a running backup finishes first) and closes the connection. */
  close(): Promise<void>;
}

const KEEP_JOBS = { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } };

export async function startBackupScheduler(opts: BackupSchedulerOptions): Promise<BackupScheduler> {
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queues = new Map<string, Queue<BackupJobData>>();
  const workers: Worker<BackupJobData>[] = [];
  try {
    for (const [name, env] of Object.entries(opts.environments)) {
      const queue = new Queue<BackupJobData>(backupQueueName(name), { connection, prefix: opts.prefix });
      queues.set(name, queue);
      await registerSchedules(queue, name, env, opts.clock ?? systemClock);
      workers.push(new Worker<BackupJobData>(backupQueueName(name), (job) => processJob(job, opts), { connection, prefix: opts.prefix, concurrency: 1 }));
    }
  } catch (error) {
    await closeAll(workers, queues, connection);
    throw error;
  }
  return { queues, close: () => closeAll(workers, queues, connection) };
}

/** Upserts a scheduler per configured kind, removes those set to null, and queues catch-up runs. */
async function registerSchedules(queue: Queue<BackupJobData>, name: string, env: EnvironmentConfig, clock: Clock): Promise<void> {
  await queue.setGlobalConcurrency(1);
  const entries = scheduleOf(env.backups);
  for (const kind of SCHEDULED_KINDS) {
    const entry = entries.find((e) => e.kind === kind);
    if (!entry) {
      await queue.removeJobScheduler(backupSchedulerId(kind));
      continue;
    }
    await queue.upsertJobScheduler(backupSchedulerId(kind), { pattern: entry.cron, tz: entry.timezone }, {
      name: kind, data: { environment: name, kind }, opts: KEEP_JOBS,
    });
  }
  const reverify = reverifyScheduleOf(env.backups);
  if (reverify) {
    await queue.upsertJobScheduler(backupSchedulerId(REVERIFY), { pattern: reverify.cron, tz: reverify.timezone }, { name: REVERIFY, data: { environment: name, kind: REVERIFY }, opts: KEEP_JOBS });
  } else {
    await queue.removeJobScheduler(backupSchedulerId(REVERIFY));
  }
  for (const missed of await missedSlots(env, clock.now())) {
    await queue.add(missed.kind, { environment: name, kind: missed.kind, slot: missed.slot.getTime() }, { jobId: catchUpJobId(missed.kind, missed.slot), ...KEEP_JOBS });
  }
}

async function processJob(job: Job<BackupJobData>, opts: BackupSchedulerOptions): Promise<ScheduledRunResult | ReverifyResult> {
  const { environment, kind } = job.data;
  // A scheduler's job carries its slot in opts.prevMillis; a catch-up job in its data.
  const slot = new Date(job.data.slot ?? job.opts.prevMillis ?? job.timestamp);
  const env = opts.environments[environment];
  try {
    if (!env) throw new RipcordError('config_missing', `environment ${environment} is not in ripcord.yml`, 'add it back, or restart the executor to drop its schedule');
    if (kind === REVERIFY) return await reverifyKept(env, environment, opts);
    return await (opts.run ?? runScheduledBackup)({ env, envName: environment, stateDir: opts.stateDir, kind, slot });
  } catch (error) {
    await notifyFailure(opts, environment, kind, slot, error);
    throw error;
  }
}

/** Re-hashes the kept dumps; says so when one is newly corrupt (once: it is remembered in its manifest). */
async function reverifyKept(env: EnvironmentConfig, environment: string, opts: BackupSchedulerOptions): Promise<ReverifyResult> {
  const result = await (opts.reverify ?? reverifyBackups)(env);
  if (result.newlyCorrupt.length === 0) return result;
  await opts.notifier.notify({
    level: 'ERROR',
    title: `${result.newlyCorrupt.length} backup${result.newlyCorrupt.length === 1 ? '' : 's'} of ${environment} failed re-verification`,
    text: `${result.newlyCorrupt.map((c) => `${c.name}: ${c.reasons.join('; ')}`).join('\n')}\nThey are listed as corrupt, and no rollback or suggestion uses them; \`ripcord backups list --env ${environment}\` shows the good ones.`,
    environment,
    fields: { corrupt: result.newlyCorrupt.map((c) => c.name).join(', '), passed: String(result.passed.length) },
    at: (opts.clock ?? systemClock).now(),
  });
  return result;
}

async function notifyFailure(opts: BackupSchedulerOptions, environment: string, kind: string, slot: Date, error: unknown): Promise<void> {
  const text = error instanceof RipcordError ? error.describe() : error instanceof Error ? error.message : String(error);
  await opts.notifier.notify({
    level: 'ERROR',
    title: `Scheduled ${kind} backup of ${environment} failed`,
    text,
    environment,
    fields: { kind, slot: slot.toISOString() },
    at: (opts.clock ?? systemClock).now(),
  });
}

async function closeAll(workers: Worker[], queues: Map<string, Queue>, connection: Redis): Promise<void> {
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all([...queues.values()].map((q) => q.close()));
  connection.disconnect();
}
