/**
 * The service's queue path on real Redis, without Docker: submit → executor worker → events in a
 * Redis Stream → a late subscriber; the same request twice is one operation; bad requests are
 * refused with the reason and nothing runs; two executors for one environment are refused with
 * both named; two executors serve two environments; /metrics counts what ran; a producer fails
 * fast when Redis is down. Each test file uses its own key prefix, removed after.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { RipcordError } from '../../src/domain/errors.js';
import { loadConfig } from '../../src/config/load-config.js';
import { followEvents, readEvents } from '../../src/queue/operation-events.js';
import { operationQueueName } from '../../src/queue/operation-jobs.js';
import { OperationSubmitter } from '../../src/queue/operation-submitter.js';
import { ExecutorService } from '../../src/service/executor-service.js';
import type { OperationEvent } from '../../src/operations/service-report.js';
import { startCli } from '../support/cli.js';
import { requireRedis } from '../support/require-services.js';
import { REDIS_URL, serviceFixture, type ServiceFixture } from '../support/service-fixtures.js';
import { freePort, waitFor } from '../support/stack/stack-helpers.js';

let fx: ServiceFixture;
let service: ExecutorService;
let submitter: OperationSubmitter;
let redis: Redis;
const log = pino({ level: 'silent' });
const said: string[] = [];

const noop = (requestId: string, environment = 'alpha') => ({ requestId, environment, requestedBy: 'tester', source: 'cli', operation: { kind: 'noop' } });

async function story(operationId: string): Promise<OperationEvent[]> {
  const follower = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const seen: OperationEvent[] = [];
  try {
    for await (const e of followEvents(follower, fx.prefix, operationId, AbortSignal.timeout(30_000))) seen.push(e);
  } finally {
    follower.disconnect();
  }
  return seen;
}

before(async () => {
  await requireRedis();
  fx = serviceFixture(['alpha', 'beta']);
  redis = new Redis(REDIS_URL);
  service = await ExecutorService.start({ config: fx.config, environments: ['alpha'], log, say: (l) => said.push(l), backups: false });
  submitter = await OperationSubmitter.connect(fx.config);
});

after(async () => {
  await submitter?.close();
  await service?.stop();
  redis?.disconnect();
  await fx?.cleanup();
});

describe('the executor service on real Redis', () => {
  test('a submitted operation runs; a subscriber that joins after it finished reads the whole story, report last', async () => {
    const { operationId, position, duplicate } = await submitter.submit(noop('req-story-1'));
    assert.equal(duplicate, false);
    assert.ok(position >= 0);
    await waitFor(async () => (await readEvents(redis, fx.prefix, operationId)).some((e) => e.type === 'report'), 20_000, 'the report');
    const events = await story(operationId);
    assert.deepEqual(events.map((e) => e.type), ['started', 'step_started', 'step_finished', 'report']);
    const report = events.at(-1);
    assert.ok(report?.type === 'report');
    assert.equal(report.report.outcome, 'succeeded');
    assert.equal(report.report.id, operationId);
  });

  test('the same request ID submitted twice is one operation', async () => {
    const first = await submitter.submit(noop('req-twice'));
    const second = await submitter.submit(noop('req-twice'));
    assert.equal(second.operationId, first.operationId);
    assert.equal(second.duplicate, true);
    const events = await story(first.operationId);
    assert.equal(events.filter((e) => e.type === 'started').length, 1);
    const again = await submitter.submit(noop('req-twice'));
    assert.equal(again.operationId, first.operationId, 'still one operation after it finished');
  });

  test('unknown environment, unsafe ref, malformed payload: refused by submit with the reason', async () => {
    await assert.rejects(submitter.submit(noop('req-unknown', 'gamma')), (e: RipcordError) => /environment "gamma" is not in ripcord.yml — use one of: alpha, beta/.test(e.describe()));
    await assert.rejects(submitter.submit({ ...noop('req-ref'), operation: { kind: 'deploy', ref: '--upload-pack=evil' } }), /starts with "-"/);
    await assert.rejects(submitter.submit({ ...noop('req-bad'), operation: { kind: 'deploy', ref: 'v1', url: 'postgres://x:secret@h/db' } }), /malformed request/);
    await assert.rejects(submitter.submit({ ...noop('bad:id') }), /request ID/);
  });

  test('a job put in the queue by hand with a bad payload fails with the reason and runs nothing', async () => {
    const queue = new Queue(operationQueueName('alpha'), { connection: redis, prefix: fx.prefix });
    try {
      const job = await queue.add('deploy', { requestId: 'raw-1', environment: 'alpha', requestedBy: 'x', source: 'cli', operation: { kind: 'deploy', ref: 'v1;reboot' }, operationId: 'op-raw-1' }, { jobId: 'raw-1' });
      await waitFor(async () => (await job.getState()) === 'failed', 20_000, 'the job to fail');
      const failed = await queue.getJob('raw-1');
      assert.match(failed?.failedReason ?? '', /contains ";"/);
      const events = await readEvents(redis, fx.prefix, 'op-raw-1');
      assert.deepEqual(events.map((e) => e.type), ['report']);
      assert.ok(events[0]?.type === 'report' && events[0].report.outcome === 'refused');
    } finally {
      await queue.close();
    }
  });

  test('/metrics shows the operation that just ran; /healthz is ok', async () => {
    const { operationId } = await submitter.submit(noop('req-metrics'));
    await story(operationId);
    const scrape = async () => (await fetch(`http://${service.listening}/metrics`)).text();
    // The report reaches subscribers before the job completes (notifications follow it): wait for the queue to drain.
    await waitFor(async () => /ripcord_queue_depth\{environment="alpha"\} 0/.test(await scrape()), 10_000, 'the queue to drain');
    const metrics = await scrape();
    assert.match(metrics, /ripcord_operations_total\{environment="alpha",kind="noop",outcome="succeeded"\} [1-9]/);
    assert.match(metrics, /ripcord_stage_duration_seconds_count\{environment="alpha",phase="deploy",stage="noop",outcome="ok"\} [1-9]/);
    assert.match(metrics, /ripcord_queue_depth\{environment="alpha"\} 0/);
    assert.match(metrics, /ripcord_outbox_waiting\{environment="alpha"\} 0/);
    const health = await fetch(`http://${service.listening}/healthz`);
    assert.equal(health.status, 200);
  });

  test('a second executor for the same environment is refused, naming both', async () => {
    await assert.rejects(ExecutorService.start({ config: fx.config, environments: ['alpha'], log, say: () => undefined, backups: false }),
      (e: Error) => /alpha is already served by the executor pid \d+ on .*; this executor \(pid \d+ on/.test(e.message));
  });

  test('two executors serve two environments, each its own', async () => {
    const beta = startCli(['--config', fx.configPath, 'executor', '--env', 'beta', '--no-backups']);
    let out = '';
    beta.child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    try {
      await waitFor(async () => /executor serving beta/.test(out), 30_000, 'the beta executor');
      const a = await submitter.submit(noop('req-two-a', 'alpha'));
      const b = await submitter.submit(noop('req-two-b', 'beta'));
      const [sa, sb] = [await story(a.operationId), await story(b.operationId)];
      const by = (s: OperationEvent[]) => s.find((e) => e.type === 'started');
      assert.match(JSON.stringify(by(sa)), new RegExp(`pid ${process.pid} `));
      assert.match(JSON.stringify(by(sb)), new RegExp(`pid ${beta.child.pid} `));
      const clash = startCli(['--config', fx.configPath, 'executor', '--env', 'beta', '--no-backups']);
      const r = await clash.done;
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`beta is already served by the executor pid ${beta.child.pid}`));
    } finally {
      beta.child.kill('SIGTERM');
      const r = await beta.done;
      assert.equal(r.code, 0, r.stderr);
    }
  });

  test('Redis down when the executor starts: it says so, keeps retrying, and stops cleanly on SIGTERM', async () => {
    const down = serviceFixture(['alpha'], {}, `redis://127.0.0.1:${await freePort()}`);
    try {
      const p = startCli(['--config', down.configPath, 'executor', '--no-backups']);
      let out = '';
      p.child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
      await waitFor(async () => /Redis at redis:\/\/127.0.0.1:\d+ is not answering; retrying/.test(out), 60_000, 'the executor to say Redis is down');
      p.child.kill('SIGTERM');
      const r = await p.done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /stopped before serving/);
    } finally {
      rmSync(down.root, { recursive: true, force: true });
    }
  });

  test('a producer fails fast when Redis is down, and says what to do', async () => {
    const { config } = loadConfig({ configPath: fx.configPath, env: {} });
    const started = Date.now();
    await assert.rejects(OperationSubmitter.connect({ ...config, redis: { ...config.redis, url: 'redis://127.0.0.1:1' } }), /Redis at redis:\/\/127.0.0.1:1 is not answering/);
    assert.ok(Date.now() - started < 5000);
  });
});
