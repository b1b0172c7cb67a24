/**
 * The producer side, what the bot (and tests, and bench/queue) call: `submit(request)` validates
 * the request, gives it an operation ID, and adds it to its environment's queue with the request
 * ID as the job ID — so the same request submitted twice is one operation, and both callers get
 * the same operation ID back. Fails fast when Redis is down.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RipcordConfig } from '../config/schema.js';
import { BadInputError } from '../domain/errors.js';
import { parseRequest, type OperationJobData } from '../operations/request.js';
import { newOperationId } from '../state/journal.js';
import { connectOrExplain, failFastConnection, redisDown } from './redis-connections.js';
import { operationIndexKey, operationQueueName } from './operation-jobs.js';

export interface Submitted {
  operationId: string;
  /** Operations that run before this one: 0 when it runs next (or already runs, or finished). */
  position: number;
  /** True when this request ID had been submitted before: nothing new was queued. */
  duplicate: boolean;
}

export class OperationSubmitter {
  private readonly queues = new Map<string, Queue<OperationJobData>>();

  private constructor(private readonly config: RipcordConfig, private readonly redis: Redis) {}

  static async connect(config: RipcordConfig): Promise<OperationSubmitter> {
    const redis = await connectOrExplain(failFastConnection(config.redis.url), config.redis.url);
    return new OperationSubmitter(config, redis);
  }

  async submit(input: unknown): Promise<Submitted> {
    const request = parseRequest(input);
    if (!this.config.environments[request.environment]) {
      throw new BadInputError(`environment "${request.environment}" is not in ripcord.yml`, `use one of: ${Object.keys(this.config.environments).join(', ')}`);
    }
    const queue = this.queueOf(request.environment);
    const data: OperationJobData = { ...request, operationId: newOperationId(), submittedAt: new Date().toISOString() };
    const keepSeconds = Math.round(this.config.service.eventRetentionHours * 3600);
    try {
      const added = await queue.add(request.operation.kind, data, {
        jobId: request.requestId, attempts: 1,
        removeOnComplete: { age: keepSeconds }, removeOnFail: { age: keepSeconds },
      });
      // A duplicate job ID is not added again; the stored job says which operation it is. The two
      // reads go out together: every round trip here delays the worker picking the job up.
      const [stored, position] = await Promise.all([queue.getJob(request.requestId), this.positionOf(queue, request.requestId)]);
      const operationId = (stored ?? added).data.operationId;
      const duplicate = operationId !== data.operationId;
      if (!duplicate) await this.index(request.environment, operationId, keepSeconds);
      return { operationId, position, duplicate };
    } catch (error) {
      if (error instanceof BadInputError) throw error;
      throw redisDown(this.config.redis.url, error);
    }
  }

  /** Jobs waiting or running in an environment's queue. */
  async depth(environment: string): Promise<number> {
    const c = await this.queueOf(environment).getJobCounts('active', 'waiting', 'prioritized', 'delayed');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.redis.disconnect();
  }

  private queueOf(environment: string): Queue<OperationJobData> {
    let q = this.queues.get(environment);
    if (!q) {
      q = new Queue<OperationJobData>(operationQueueName(environment), { connection: this.redis, prefix: this.config.redis.prefix });
      q.on('error', () => undefined); // a Redis outage surfaces as the failing submit, with the fix
      this.queues.set(environment, q);
    }
    return q;
  }

  private async index(environment: string, operationId: string, keepSeconds: number): Promise<void> {
    const key = operationIndexKey(this.config.redis.prefix, environment);
    await this.redis.multi().zadd(key, Date.now(), operationId).zremrangebyscore(key, 0, Date.now() - keepSeconds * 1000).expire(key, keepSeconds).exec();
  }

  /** How many jobs run or wait before this one (IDs only, one round trip): 0 when it runs next, runs, or ended. */
  private async positionOf(queue: Queue<OperationJobData>, jobId: string): Promise<number> {
    const ahead = await queue.getRanges(['active', 'wait'], 0, -1, true); // oldest first, the active one before all
    const index = ahead.indexOf(jobId);
    return index === -1 ? 0 : index;
  }
}

/** The newest operation submitted to any of `environments`, for `ripcord watch` with no ID. */
export async function latestOperation(redis: Redis, prefix: string, environments: readonly string[]): Promise<{ environment: string; operationId: string } | null> {
  let best: { environment: string; operationId: string; at: number } | null = null;
  for (const environment of environments) {
    const [id, score] = await redis.zrange(operationIndexKey(prefix, environment), '-1', '-1', 'WITHSCORES');
    if (id && score && (!best || Number(score) > best.at)) best = { environment, operationId: id, at: Number(score) };
  }
  return best ? { environment: best.environment, operationId: best.operationId } : null;
}
