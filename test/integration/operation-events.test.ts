/**
 * The event stream publisher against a private, real redis-server that is killed and restarted
 * empty mid-story: the stream ends whole and in order. The race this guards: an XADD queued while
 * Redis was down lands first in the empty Redis (as event n), so re-adding events 1..n-1 one by
 * one is refused ("equal or smaller than the top item") — the publisher must write them again.
 * And a reader starting then must never see that lone event as the start of the story: CI caught
 * the service-crash test's follower beginning at a mid-deploy step.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { Redis } from 'ioredis';
import { EventPublisher, readEvents } from '../../src/queue/operation-events.js';
import { durableConnection } from '../../src/queue/redis-connections.js';
import { eventStreamKey } from '../../src/queue/operation-jobs.js';
import { reportOfFailure } from '../../src/operations/run-operation.js';
import type { OperationJobData } from '../../src/operations/request.js';
import type { OperationEvent } from '../../src/operations/service-report.js';
import { freePort, waitFor } from '../support/stack/stack-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ripcord-events-'));
let server: ChildProcess | null = null;
const servers: ChildProcess[] = [];
// Every redis-server this file started dies with it: a live child would keep the test process running.
after(() => { for (const s of servers) s.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });

async function startRedis(port: number): Promise<void> {
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  servers.push(server);
  await waitFor(async () => {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try { await r.connect(); return (await r.ping()) === 'PONG'; } catch { return false; } finally { r.disconnect(); }
  }, 10_000, 'a private redis-server');
}

/** Reads the stream in a tight loop on a connection of its own until stopped: every non-empty state it saw. */
function watchSnapshots(port: number, operationId: string): { stop(): Promise<string[][]> } {
  const reader = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => 10 });
  reader.on('error', () => undefined);
  const snapshots: string[][] = [];
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; i < 100_000 && !stopped; i++) {
      const names = await readEvents(reader, 'rc', operationId).then((es) => es.map((e) => ('name' in e ? e.name : e.type)), async () => { await new Promise((r) => setTimeout(r, 5)); return []; });
      if (names.length > 0) snapshots.push(names);
    }
  })();
  return { async stop() { stopped = true; await loop; reader.disconnect(); return snapshots; } };
}

const step = (n: number): OperationEvent => ({ type: 'step_started', phase: 'deploy', name: `stage-${n}`, at: new Date(0).toISOString() });

test('Redis killed and restarted empty mid-story: every event is in the stream once, in order', async () => {
  const port = await freePort();
  await startRedis(port);
  const redis = durableConnection(`redis://127.0.0.1:${port}`);
  try {
    const publisher = new EventPublisher(redis, eventStreamKey('rc', 'op-1'), 60_000, pino({ level: 'silent' }));
    for (let n = 1; n <= 5; n++) publisher.publish(step(n));
    assert.equal(await publisher.drained(10_000), true);
    server?.kill('SIGKILL');
    await new Promise((r) => server?.once('exit', r));
    // Published while Redis is down: queued by ioredis and sent first when it is back.
    for (let n = 6; n <= 8; n++) publisher.publish(step(n));
    await new Promise((r) => setTimeout(r, 500));
    // Watching from before the restart: it reconnects every 10 ms, the publisher every second.
    const seen = watchSnapshots(port, 'op-1');
    await startRedis(port);
    for (let n = 9; n <= 10; n++) publisher.publish(step(n));
    assert.equal(await publisher.drained(20_000), true, 'every event confirmed');
    const snapshots = await seen.stop();
    assert.ok(snapshots.length > 0, 'the stream was watched while it was written again');
    // A reader starting from the beginning never sees a story that does not begin with its first event.
    for (const names of snapshots) assert.deepEqual(names, Array.from({ length: names.length }, (_, i) => `stage-${i + 1}`));
    const names = (await readEvents(redis, 'rc', 'op-1')).map((e) => ('name' in e ? e.name : e.type));
    assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `stage-${i + 1}`));
    publisher.close();
  } finally {
    redis.disconnect();
  }
});

test('Redis restarted empty after the last event: the story is written again', async () => {
  const port = await freePort();
  await startRedis(port);
  const redis = durableConnection(`redis://127.0.0.1:${port}`);
  try {
    const publisher = new EventPublisher(redis, eventStreamKey('rc', 'op-2'), 60_000, pino({ level: 'silent' }));
    for (let n = 1; n <= 3; n++) publisher.publish(step(n));
    assert.equal(await publisher.drained(10_000), true);
    server?.kill('SIGKILL');
    await new Promise((r) => server?.once('exit', r));
    await startRedis(port);
    await waitFor(async () => (await readEvents(redis, 'rc', 'op-2')).length === 3, 20_000, 'the story written again');
    publisher.close();
  } finally {
    redis.disconnect();
  }
});

test('an error no stage caught on the queue path reaches the stream masked: the report and every note', async () => {
  const port = await freePort();
  await startRedis(port);
  const redis = durableConnection(`redis://127.0.0.1:${port}`);
  const secrets = ['hunter2queue', 'xoxb-99-88-queuetoken', 'urlpwqueue'];
  const planted = `connect failed: PGPASSWORD=${secrets[0]} token ${secrets[1]} postgres://app:${secrets[2]}@db:5432/app`;
  try {
    const publisher = new EventPublisher(redis, eventStreamKey('rc', 'op-3'), 60_000, pino({ level: 'silent' }));
    const job = { operationId: 'op-3', environment: 'production', operation: { kind: 'deploy', ref: 'v1.0.4' } } as unknown as OperationJobData;
    publisher.publish({ type: 'note', text: planted });
    publisher.publish({ type: 'report', report: reportOfFailure(job, new Error(planted)) });
    assert.equal(await publisher.drained(10_000), true);
    const raw = JSON.stringify(await redis.xrange(eventStreamKey('rc', 'op-3'), '-', '+'));
    for (const secret of secrets) assert.equal(raw.includes(secret), false, `${secret} in the stream: ${raw}`);
    const [note, report] = await readEvents(redis, 'rc', 'op-3');
    assert.equal(note?.type === 'note' && note.text.startsWith('connect failed: PGPASSWORD=***'), true, JSON.stringify(note));
    assert.match(report?.type === 'report' ? report.report.reason ?? '' : '', /^deploy v1\.0\.4 stopped unexpectedly: connect failed: .*ripcord recover --env production/);
    publisher.close();
  } finally {
    redis.disconnect();
  }
});
