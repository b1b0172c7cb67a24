/**
 * The newest operations submitted to an environment's queue, with how each ended: read from the
 * operation index and each operation's event stream (its `started` event and final report). What
 * the Home tab lists; an operation whose stream has expired or not started yet says so.
 */
import type { Redis } from 'ioredis';
import type { OperationEvent, ServiceReport } from '../operations/service-report.js';
import { operationIndexKey } from './operation-jobs.js';
import { readEvents } from './operation-events.js';

export interface RecentOperation {
  operationId: string;
  /** "deploy v1.1.0"; null when no event says (not started, or expired). */
  operation: string | null;
  requestedBy: string | null;
  /** The report's outcome; "running" once started, "queued" before. */
  outcome: ServiceReport['outcome'] | 'running' | 'queued';
  reason: string | null;
  submittedAt: string;
}

export function summarizeEvents(operationId: string, submittedAt: string, events: readonly OperationEvent[]): RecentOperation {
  const started = events.find((e) => e.type === 'started');
  const report = events.findLast((e) => e.type === 'report')?.report;
  return {
    operationId, submittedAt,
    operation: started?.type === 'started' ? started.operation : null,
    requestedBy: started?.type === 'started' ? `${started.requestedBy} via ${started.source}` : null,
    outcome: report ? report.outcome : started ? 'running' : 'queued',
    reason: report?.reason ?? null,
  };
}

export async function recentOperations(redis: Redis, prefix: string, environment: string, n: number): Promise<RecentOperation[]> {
  const ids = await redis.zrevrange(operationIndexKey(prefix, environment), 0, n - 1, 'WITHSCORES');
  const out: RecentOperation[] = [];
  for (let i = 0; i < ids.length; i += 2) {
    const id = ids[i] as string;
    out.push(summarizeEvents(id, new Date(Number(ids[i + 1])).toISOString(), await readEvents(redis, prefix, id)));
  }
  return out;
}
