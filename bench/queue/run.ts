/**
 * bench/queue: what the queue adds to an operation. N no-op operations (the `noop` job kind: the
 * same submit → BullMQ queue → executor worker → runOperation → Redis Stream → subscriber path as
 * a deploy, with a body that does nothing on the host), one at a time, measuring
 *   - start: `submit` called → the first stage's step_started (the executor's own timestamp)
 *   - end:   the last stage's step_finished → the report reaching a subscriber that followed the
 *            operation's stream (XRANGE, then XREAD BLOCK) from after `submit` returned
 * and, in the same run, the same no-op called directly (runOperation, no Redis): call → first
 * stage, last stage → return. Prints p50/p99 of each and the overhead (queue − direct).
 * Executor, subscriber and producer share one process, so every timestamp is on one clock.
 *
 *   node --import tsx bench/queue/run.ts [operations=200]
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { openExecutorEnv } from '../../src/executor/executor-env.js';
import type { ProgressEvent } from '../../src/executor/report.js';
import { runOperation } from '../../src/operations/run-operation.js';
import { followEvents } from '../../src/queue/operation-events.js';
import { OperationSubmitter } from '../../src/queue/operation-submitter.js';
import { ExecutorService } from '../../src/service/executor-service.js';
import { serviceFixture } from '../../test/support/service-fixtures.js';

const N = Number(process.argv[2] ?? 200);
const log = pino({ level: 'silent' });
// Millisecond clock, like the executor's own stage timestamps.
const now = () => Date.now();

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

/** start = submit + pickup + toStage: where the start's time goes (the breakdown rows). */
interface QueueTimes { start: number; end: number; submit: number; pickup: number; toStage: number }

async function viaQueue(submitter: OperationSubmitter, follower: Redis, prefix: string, i: number): Promise<QueueTimes> {
  const t0 = now();
  const { operationId } = await submitter.submit({ requestId: `bench-${i}-${Date.now()}`, environment: 'bench', requestedBy: 'bench', source: 'cli', operation: { kind: 'noop' } });
  const submitted = now();
  let picked = Number.NaN;
  let first = Number.NaN;
  let lastFinished = Number.NaN;
  for await (const e of followEvents(follower, prefix, operationId)) {
    if (e.type === 'started') picked = Date.parse(e.at);
    if (e.type === 'step_started' && Number.isNaN(first)) first = Date.parse(e.at);
    if (e.type === 'step_finished') lastFinished = Date.parse(e.step.startedAt) + e.step.durationMs;
    if (e.type === 'report') return { start: first - t0, end: now() - lastFinished, submit: submitted - t0, pickup: picked - submitted, toStage: first - picked };
  }
  throw new Error(`no report for ${operationId}`);
}

async function direct(x: Awaited<ReturnType<typeof openExecutorEnv>>, i: number): Promise<{ start: number; end: number }> {
  let first = Number.NaN;
  let lastFinished = Number.NaN;
  const onProgress = (e: ProgressEvent) => {
    if (e.type === 'step_started' && Number.isNaN(first)) first = e.at.getTime();
    if (e.type === 'step_finished') lastFinished = Date.parse(e.step.startedAt) + e.step.durationMs;
  };
  const t0 = now();
  await runOperation(x, { requestId: `direct-${i}`, environment: 'bench', requestedBy: 'bench', source: 'cli', operation: { kind: 'noop' }, operationId: `direct-${i}`, submittedAt: new Date().toISOString() }, { onProgress, lockWaitMs: 0 });
  return { start: first - t0, end: now() - lastFinished };
}

const fx = serviceFixture(['bench']);
const service = await ExecutorService.start({ config: fx.config, environments: ['bench'], log, say: () => undefined, backups: false });
const submitter = await OperationSubmitter.connect(fx.config);
const follower = new Redis(fx.config.redis.url, { maxRetriesPerRequest: null });
const x = await openExecutorEnv(fx.config, 'bench', log);
try {
  for (let i = 0; i < 10; i++) { await viaQueue(submitter, follower, fx.prefix, -i - 1); await direct(x, -i - 1); } // warm-up, not counted
  const q: QueueTimes[] = [];
  const d: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < N; i++) {
    q.push(await viaQueue(submitter, follower, fx.prefix, i));
    d.push(await direct(x, i));
  }
  const row = (name: string, qs: number[], ds: number[]) =>
    console.log(`${name.padEnd(34)} queue p50 ${pct(qs, 50).toFixed(2).padStart(7)} p99 ${pct(qs, 99).toFixed(2).padStart(7)} | direct p50 ${pct(ds, 50).toFixed(2).padStart(6)} p99 ${pct(ds, 99).toFixed(2).padStart(6)} | overhead p99 ${(pct(qs, 99) - pct(ds, 99)).toFixed(2).padStart(7)} ms`);
  console.log(`bench/queue: ${N} no-op operations, one at a time, Redis ${fx.config.redis.url}`);
  row('submit → first stage started', q.map((r) => r.start), d.map((r) => r.start));
  row('last stage → report at subscriber', q.map((r) => r.end), d.map((r) => r.end));
  // Where the start's time goes (the worker's `started` event marks the pickup); no direct twin.
  const part = (name: string, xs: number[]) => console.log(`  ${name.padEnd(32)} p50 ${pct(xs, 50).toFixed(2).padStart(7)} p99 ${pct(xs, 99).toFixed(2).padStart(7)} ms`);
  part('start: submit returns', q.map((r) => r.submit));
  part('start: job picked up', q.map((r) => r.pickup));
  part('start: picked up → first stage', q.map((r) => r.toStage));
} finally {
  follower.disconnect();
  await submitter.close();
  await service.stop();
  await fx.cleanup();
}
