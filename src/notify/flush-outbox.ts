/**
 * Sends kept deliveries again, oldest first. A delivery leaves the outbox only once its sink
 * accepted it (2xx, SMTP 250), so each is delivered once; one still failing stays with its
 * attempt count and last error. A call is bounded: at most `maxDeliveries` sends and `budgetMs`,
 * and a sink that does not answer is not tried again until the next call. A delivery older than
 * the keep period is dropped, never silently: a pino error and a line in the notifications log.
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/ports.js';
import type { NotificationsLogFile } from './notifications-log-file.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { SinkError, type RemoteSink, type RemoteSinkName } from './sink.js';

export interface FlushOptions {
  outbox: Outbox;
  /** The sinks configured now; a kept delivery for a sink not configured here waits. */
  sinks: ReadonlyMap<RemoteSinkName, RemoteSink>;
  logFile: NotificationsLogFile;
  log: Logger;
  clock: Clock;
  /** How long a delivery is kept after its first failure (notifications.outboxKeepDays). */
  keepDays: number;
  maxDeliveries?: number;
  budgetMs?: number;
}

export interface FlushResult {
  delivered: number;
  /** Tried again and failed again: still kept. */
  failed: number;
  /** Not tried in this call (sink unreachable moments ago, not configured here, or over the bound): still kept. */
  waiting: number;
  /** Past the keep period: removed, logged, and written to the notifications log. */
  dropped: number;
  /** Files that could not be read back; left for a person. */
  unreadable: string[];
  /** Another process was flushing this outbox; nothing was done. */
  busy: boolean;
  /** Sinks that did not answer during this call, with the error (masked). */
  down: Map<RemoteSinkName, string>;
}

export const DEFAULT_FLUSH_MAX_DELIVERIES = 100;
export const DEFAULT_FLUSH_BUDGET_MS = 60_000;
const DAY_MS = 86_400_000;

export function emptyFlushResult(): FlushResult {
  return { delivered: 0, failed: 0, waiting: 0, dropped: 0, unreadable: [], busy: false, down: new Map() };
}

/** What a flush left in the outbox. */
export function keptAfter(r: FlushResult): number {
  return r.failed + r.waiting + r.unreadable.length;
}

export async function flushOutbox(opts: FlushOptions): Promise<FlushResult> {
  // Every delivery starts with a flush, and the outbox is nearly always empty: then there is no
  // lock to take (three fsyncs, and a busy lock for everyone else delivering at the same moment).
  if (await opts.outbox.isEmpty()) return emptyFlushResult();
  const run = await opts.outbox.exclusively(() => flushHoldingLock(opts));
  return run ?? { ...emptyFlushResult(), busy: true };
}

async function flushHoldingLock(opts: FlushOptions): Promise<FlushResult> {
  const result = emptyFlushResult();
  const { entries, unreadable } = await opts.outbox.list();
  result.unreadable = unreadable;
  for (const path of unreadable) opts.log.warn({ path }, 'unreadable outbox entry left in place: inspect it, then delete it');
  const bySink = new Map<RemoteSinkName, OutboxEntry[]>();
  for (const entry of entries) bySink.set(entry.sink, [...(bySink.get(entry.sink) ?? []), entry]);
  const budget: Budget = { sends: opts.maxDeliveries ?? DEFAULT_FLUSH_MAX_DELIVERIES, deadline: Date.now() + (opts.budgetMs ?? DEFAULT_FLUSH_BUDGET_MS) };
  // Sinks in parallel, each in order: a slow or paced sink holds up only its own deliveries.
  await Promise.all([...bySink].map(([name, list]) => flushSink(name, list, opts, budget, result)));
  return result;
}

interface Budget { sends: number; deadline: number }

async function flushSink(name: RemoteSinkName, entries: readonly OutboxEntry[], opts: FlushOptions, budget: Budget, result: FlushResult): Promise<void> {
  const sink = opts.sinks.get(name);
  let lastSend = 0;
  for (const entry of entries) {
    if (expired(entry, opts)) {
      if (await drop(entry, opts)) result.dropped++;
      else result.waiting++;
    } else if (!sink || result.down.has(name) || budget.sends <= 0 || Date.now() > budget.deadline) {
      result.waiting++;
    } else {
      budget.sends--;
      const wait = lastSend + (sink.minIntervalMs ?? 0) - Date.now();
      if (lastSend > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastSend = Date.now();
      await resend(entry, sink, opts, result);
    }
  }
}

function expired(entry: OutboxEntry, opts: FlushOptions): boolean {
  return opts.clock.now().getTime() - entry.keptAt.getTime() > opts.keepDays * DAY_MS;
}

async function resend(entry: OutboxEntry, sink: RemoteSink, opts: FlushOptions, result: FlushResult): Promise<void> {
  const log = opts.log.child({ sink: entry.sink, delivery: entry.id });
  try {
    await sink.send(entry.notification);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await opts.outbox.failedAgain(entry, message, opts.clock.now());
    result.failed++;
    if (!(error instanceof SinkError) || error.sinkDown) result.down.set(entry.sink, message);
    log.warn({ attempts: entry.attempts + 1, err: error }, 'kept notification still not delivered');
    return;
  }
  await opts.outbox.remove(entry);
  result.delivered++;
  log.info({ attempts: entry.attempts + 1 }, 'kept notification delivered');
}

/** Drops an expired delivery once its drop is on record in the notifications log; false keeps it. */
async function drop(entry: OutboxEntry, opts: FlushOptions): Promise<boolean> {
  const n = entry.notification;
  const words = `notification to ${entry.sink} dropped from the outbox after ${opts.keepDays} days and ${entry.attempts} attempts`
    + ` (last error: ${entry.lastError}): [${n.level}] ${n.title}`;
  try {
    await opts.logFile.note('ERROR', `${words} [environment=${n.environment}${n.deploymentId ? ` deployment=${n.deploymentId}` : ''}]`, opts.clock.now());
  } catch (error) {
    opts.log.error({ err: error, sink: entry.sink, delivery: entry.id }, 'expired notification kept: the notifications log could not record its drop');
    return false;
  }
  opts.log.error({ sink: entry.sink, delivery: entry.id, attempts: entry.attempts, keptAt: entry.keptAt.toISOString(), level: n.level, title: n.title }, words);
  await opts.outbox.remove(entry);
  return true;
}
