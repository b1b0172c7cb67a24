/**
 * The service on the reference stack: a ripcord.yml for it with a Redis URL, a unique key prefix
 * and the service section, a submitter, and a way to wait for an operation's whole story.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import type { RipcordConfig } from '../../src/config/schema.js';
import { followEvents } from '../../src/queue/operation-events.js';
import type { OperationEvent, ServiceReport } from '../../src/operations/service-report.js';
import assert from 'node:assert/strict';
import { configFor, createReferenceStack, type ReferenceStack } from './stack/reference-stack.js';
import { leftovers } from './stack/stack-helpers.js';
import { requireDocker, requireRedis } from './require-services.js';
import { dropPrefix, newPrefix, REDIS_URL } from './service-fixtures.js';

export interface StackService { configPath: string; config: RipcordConfig; prefix: string; redisUrl: string }

/** Scheduled backups off unless `schedule` is given. */
export function stackServiceConfig(stack: ReferenceStack, opts: { redisUrl?: string; schedule?: Record<string, string | null>; name?: string } = {}): StackService {
  const prefix = newPrefix();
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const doc = configFor(stack, {
    health: { url: stack.healthUrl, retries: 10, delaySeconds: 1, timeoutSeconds: 3 },
    backups: { dir: stack.backupDir, schedule: { daily: null, weekly: null, monthly: null, ...opts.schedule } },
  });
  const configPath = join(stack.root, opts.name ?? `ripcord-${prefix}.yml`);
  writeFileSync(configPath, stringify({ ...doc, redis: { url: redisUrl, prefix }, service: { listen: '127.0.0.1:0', jobLockSeconds: 5, outboxFlushSeconds: 5, lockWaitMinutes: 10 } }));
  return { configPath, config: loadConfig({ configPath, env: {} }).config, prefix, redisUrl };
}

export const deployRequest = (requestId: string, ref: string) => ({ requestId, environment: 'production', requestedBy: 'tester', source: 'cli', operation: { kind: 'deploy', ref } });

/** Every event of the operation from the first, waiting for the report (a subscriber joining at any time). */
export async function storyOf(svc: Pick<StackService, 'prefix' | 'redisUrl'>, operationId: string, timeoutMs = 480_000, onEvent?: (e: OperationEvent) => void): Promise<{ events: OperationEvent[]; report: ServiceReport }> {
  const redis = new Redis(svc.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const events: OperationEvent[] = [];
  try {
    for await (const e of followEvents(redis, svc.prefix, operationId, AbortSignal.timeout(timeoutMs))) {
      events.push(e);
      onEvent?.(e);
    }
  } finally {
    redis.disconnect();
  }
  const last = events.at(-1);
  if (last?.type !== 'report') throw new Error(`no report for ${operationId} within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`);
  return { events, report: last.report };
}

/** The names of the steps the events say finished, in order: stages, then rollback steps. */
export const finishedSteps = (events: readonly OperationEvent[], phase: 'deploy' | 'rollback') =>
  events.flatMap((e) => (e.type === 'step_finished' && e.phase === phase ? [e.step.name] : []));

/** The before() of a service test file: Redis and Docker checked, one reference stack up, shared by its tests. */
export async function setUpServiceStack(): Promise<ReferenceStack> {
  await requireDocker();
  await requireRedis();
  const stack = await createReferenceStack();
  await stack.up();
  return stack;
}

/** The after(): every queue prefix the tests used dropped, the stack removed, and nothing of it left. */
export async function tearDownServiceStack(stack: ReferenceStack | undefined, prefixes: readonly string[]): Promise<void> {
  for (const p of prefixes) await dropPrefix(p);
  const id = stack?.id;
  await stack?.cleanup();
  if (id) assert.deepEqual(await leftovers(id), { containers: [], images: [], volumes: [], networks: [] });
}
