/**
 * The service stopped and broken on the reference stack: `ripcord start` SIGKILLed mid-build then
 * started again recovers, and the redelivered job is not run again; SIGTERM mid-deploy lets the
 * deploy finish, takes no new job, and exits 0; Redis restarted (losing everything) mid-deploy
 * loses no event — the story is whole when it comes back.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { operationQueueName } from '../../src/queue/operation-jobs.js';
import { readEvents } from '../../src/queue/operation-events.js';
import { OperationSubmitter } from '../../src/queue/operation-submitter.js';
import { ExecutorService } from '../../src/service/executor-service.js';
import type { OperationEvent } from '../../src/operations/service-report.js';
import { startCli } from '../support/cli.js';
import { deployRequest, finishedSteps, stackServiceConfig, storyOf, type StackService, setUpServiceStack, tearDownServiceStack } from '../support/service-stack.js';
import { type ReferenceStack } from '../support/stack/reference-stack.js';
import { assertAsBefore, hostState, webVersion } from '../support/stack/rollback-checks.js';
import { freePort, waitFor } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;
const prefixes: string[] = [];
const journalDir = () => join(stack.stateDir, 'journal', 'production');
const journals = () => (existsSync(journalDir()) ? readdirSync(journalDir()).filter((f) => f.endsWith('.jsonl')) : []);

function startService(svc: StackService) {
  const p = startCli(['--config', svc.configPath, 'start', '--no-backups']);
  let out = '';
  p.child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  return { ...p, ready: () => waitFor(async () => /executor serving production/.test(out), 120_000, 'ripcord start to serve production') };
}

/** Follows the story until `until` sees an event, while the operation goes on. */
function waitForEvent(svc: StackService, operationId: string, until: (e: OperationEvent) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    storyOf(svc, operationId, 480_000, (e) => { if (until(e)) resolve(); }).then(() => reject(new Error('the operation ended before the awaited event')), reject);
  });
}

async function eventsOf(svc: StackService, operationId: string): Promise<OperationEvent[]> {
  const redis = new Redis(svc.redisUrl);
  try {
    return await readEvents(redis, svc.prefix, operationId);
  } finally {
    redis.disconnect();
  }
}

const buildStarted = (e: OperationEvent) => e.type === 'step_started' && e.name === 'build';

before(async () => { stack = await setUpServiceStack(); });

after(() => tearDownServiceStack(stack, prefixes));

describe('the service killed, stopped, and without Redis for a while', () => {
  test('SIGKILL mid-build: the next start recovers, and the job is not run again', async () => {
    const svc = stackServiceConfig(stack);
    prefixes.push(svc.prefix);
    const submitter = await OperationSubmitter.connect(svc.config);
    const before = await hostState(stack);
    let second: ReturnType<typeof startService> | undefined;
    try {
      const first = startService(svc);
      await first.ready();
      const { operationId } = await submitter.submit(deployRequest('kill-1', 'slow-build'));
      await waitForEvent(svc, operationId, buildStarted);
      first.child.kill('SIGKILL');
      await first.done;
      second = startService(svc);
      const { report, events } = await storyOf(svc, operationId);
      assert.equal(report.outcome, 'rolled_back', JSON.stringify(report));
      assert.match(report.reason ?? '', /executor stopped during build/);
      await assertAsBefore(stack, before, '1.0.0');
      // The job comes back after its lock expires (5 s here): the journal says it finished, so nothing runs.
      const connection = new Redis(svc.redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue(operationQueueName('production'), { connection, prefix: svc.prefix });
      await waitFor(async () => (await queue.getJob('kill-1'))?.finishedOn !== undefined, 60_000, 'the redelivered job to finish');
      assert.equal((await queue.getJob('kill-1'))?.returnvalue?.outcome, 'rolled_back');
      await queue.close();
      connection.disconnect();
      assert.deepEqual(journals(), [`${operationId}.jsonl`], 'one journal: the deploy never ran a second time');
      assert.equal((await eventsOf(svc, operationId)).filter((e) => e.type === 'report').length, 1);
      assert.equal(events.filter((e) => e.type === 'report').length, 1);
    } finally {
      second?.child.kill('SIGTERM');
      await second?.done;
      await submitter.close();
    }
  });

  test('SIGTERM mid-deploy: the deploy finishes, no new job is taken, exit 0', async () => {
    const svc = stackServiceConfig(stack);
    prefixes.push(svc.prefix);
    const submitter = await OperationSubmitter.connect(svc.config);
    try {
      const p = startService(svc);
      await p.ready();
      const { operationId } = await submitter.submit(deployRequest('term-1', 'slow-build'));
      const next = await submitter.submit(deployRequest('term-2', 'v1.1.0'));
      assert.equal(next.position, 1, 'the second waits behind the first');
      await waitForEvent(svc, operationId, buildStarted);
      p.child.kill('SIGTERM');
      const { report } = await storyOf(svc, operationId);
      assert.equal(report.outcome, 'succeeded', JSON.stringify(report));
      const r = await p.done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /SIGTERM: taking no new job/);
      assert.equal(await webVersion(stack), '1.2.0-slowbuild');
      assert.deepEqual(await eventsOf(svc, next.operationId), [], 'the waiting deploy was not started');
    } finally {
      await submitter.close();
    }
  });

  test('Redis restarted mid-deploy, losing everything: the deploy finishes and its story is whole', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'ripcord-redis-'));
    const redisServer = (): ChildProcess => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    let server = redisServer();
    const svc = stackServiceConfig(stack, { redisUrl: `redis://127.0.0.1:${port}` });
    await waitFor(async () => { const r = new Redis(svc.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 }); r.on('error', () => undefined); try { await r.connect(); return (await r.ping()) === 'PONG'; } catch { return false; } finally { r.disconnect(); } }, 20_000, 'the private Redis');
    const service = await ExecutorService.start({ config: svc.config, environments: ['production'], log: pino({ level: 'silent' }), say: () => undefined, backups: false });
    const submitter = await OperationSubmitter.connect(svc.config);
    try {
      const { operationId } = await submitter.submit(deployRequest('redis-1', 'v1.1.0'));
      await waitForEvent(svc, operationId, buildStarted);
      server.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 3000));
      server = redisServer();
      const { events, report } = await storyOf(svc, operationId);
      assert.equal(report.outcome, 'succeeded', JSON.stringify(report));
      assert.equal(events[0]?.type, 'started');
      assert.deepEqual(finishedSteps(events, 'deploy'), report.stages.map((s) => s.name));
      assert.deepEqual(report.stages.map((s) => s.name), ['preflight', 'fetch', 'build', 'backup', 'migrate', 'static', 'up', 'health', 'integrity', 'logs']);
      assert.equal(events.filter((e) => e.type === 'step_started').length, report.stages.length, 'every stage start is there too');
      assert.equal(await webVersion(stack), '1.1.0');
    } finally {
      await submitter.close();
      await service.stop();
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
