/**
 * The service on the reference stack (real git, Docker, compose, PostgreSQL, Redis): a good and a
 * failing release submitted through the queue end exactly as the CLI's deploys do, with the whole
 * story readable by a subscriber that joins after the last stage; the same request ID twice
 * deploys once. (A scheduled backup waiting for a deploy's lock: service-schedule.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { openExecutorEnv } from '../../src/executor/executor-env.js';
import { preview } from '../../src/operations/preview.js';
import { parseRequest } from '../../src/operations/request.js';
import { OperationSubmitter } from '../../src/queue/operation-submitter.js';
import { ExecutorService } from '../../src/service/executor-service.js';
import { deployRequest, finishedSteps, stackServiceConfig, storyOf, type StackService, setUpServiceStack, tearDownServiceStack } from '../support/service-stack.js';
import { type ReferenceStack } from '../support/stack/reference-stack.js';
import { assertAsBefore, hostState, webVersion } from '../support/stack/rollback-checks.js';
import { waitFor } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;
const prefixes: string[] = [];
const log = pino({ level: 'silent' });
const journalDir = () => join(stack.stateDir, 'journal', 'production');
const journals = () => (existsSync(journalDir()) ? readdirSync(journalDir()).filter((f) => f.endsWith('.jsonl')) : []);

async function serve(svc: StackService): Promise<{ service: ExecutorService; submitter: OperationSubmitter; stop(): Promise<void> }> {
  prefixes.push(svc.prefix);
  const service = await ExecutorService.start({ config: svc.config, environments: ['production'], log, say: () => undefined, backups: true });
  const submitter = await OperationSubmitter.connect(svc.config);
  return { service, submitter, async stop() { await submitter.close(); await service.stop(); } };
}

before(async () => { stack = await setUpServiceStack(); });

after(() => tearDownServiceStack(stack, prefixes));

describe('operations through the queue on the reference stack', () => {
  test('a good release deploys as the CLI does; submitted twice it deploys once; a late subscriber reads it all', async () => {
    const svc = stackServiceConfig(stack);
    const s = await serve(svc);
    try {
      const x = await openExecutorEnv(svc.config, 'production', log);
      const shown = await preview(x, parseRequest(deployRequest('good-1', 'v1.1.0')));
      assert.equal(shown.lockHeldBy, null);
      assert.match(shown.lines.join('\n'), /Deploy v1.1.0: [0-9a-f]{7} → [0-9a-f]{7}[\s\S]*Migration files this release adds or changes \(1\)/);
      assert.deepEqual(journals(), [], 'a preview changes nothing');
      const first = await s.submitter.submit(deployRequest('good-1', 'v1.1.0'));
      const again = await s.submitter.submit(deployRequest('good-1', 'v1.1.0'));
      assert.equal(again.operationId, first.operationId);
      assert.equal(again.duplicate, true);
      // Join only once the report is in: the story must still be whole.
      await waitFor(async () => journals().length === 1 && s.service.health().ok, 10_000, 'the deploy to start');
      const { events, report } = await storyOf(svc, first.operationId);
      assert.equal(report.outcome, 'succeeded', JSON.stringify(report));
      assert.equal(events[0]?.type, 'started');
      assert.deepEqual(finishedSteps(events, 'deploy'), ['preflight', 'fetch', 'build', 'backup', 'migrate', 'static', 'up', 'health', 'integrity', 'logs']);
      assert.deepEqual(report.stages.map((st) => st.name), finishedSteps(events, 'deploy'));
      assert.equal(await webVersion(stack), '1.1.0');
      assert.deepEqual(journals(), [`${first.operationId}.jsonl`], 'one operation, one journal, named by its operation ID');
      const late = await storyOf(svc, first.operationId);
      assert.deepEqual(late.events, events, 'a subscriber joining after the end reads the same story');
      const metrics = await (await fetch(`http://${s.service.listening}/metrics`)).text();
      assert.match(metrics, /ripcord_operations_total\{environment="production",kind="deploy",outcome="succeeded"\} 1/);
      assert.match(metrics, /ripcord_last_successful_deploy_timestamp_seconds\{environment="production"\} \d/);
      assert.match(metrics, /ripcord_newest_verified_backup_timestamp_seconds\{environment="production"\} \d/);
    } finally {
      await s.stop();
    }
  });

  test('a failing release is rolled back as the CLI does, every rollback step in the story', async () => {
    const svc = stackServiceConfig(stack);
    const s = await serve(svc);
    try {
      const before = await hostState(stack);
      const { operationId } = await s.submitter.submit(deployRequest('bad-1', 'health-503'));
      const { events, report } = await storyOf(svc, operationId);
      assert.equal(report.outcome, 'rolled_back', JSON.stringify(report));
      assert.match(report.reason ?? '', /health check: GET \/health\/ returned 503 10 times/);
      const rollback = finishedSteps(events, 'rollback');
      assert.ok(rollback.length > 0, 'rollback steps are in the story');
      assert.deepEqual('rollback' in report ? report.rollback?.map((r) => r.name) : [], rollback);
      await assertAsBefore(stack, before, '1.1.0');
      const metrics = await (await fetch(`http://${s.service.listening}/metrics`)).text();
      assert.match(metrics, /ripcord_operations_total\{environment="production",kind="deploy",outcome="rolled_back"\} 1/);
      assert.match(metrics, /ripcord_rollback_duration_seconds_count\{environment="production",outcome="rolled_back"\} 1/);
    } finally {
      await s.stop();
    }
  });
});
