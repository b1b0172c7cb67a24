/**
 * Scheduled backups as `ripcord start` runs them, on the reference stack: a backup that falls due
 * while a deploy holds the environment lock waits for it, then runs and is verified.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { listBackups } from '../../src/backups/index.js';
import { ExecutorService } from '../../src/service/executor-service.js';
import { EnvironmentLocks } from '../../src/state/environment-lock.js';
import { stackServiceConfig, setUpServiceStack, tearDownServiceStack } from '../support/service-stack.js';
import { type ReferenceStack } from '../support/stack/reference-stack.js';
import { waitFor } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;
let prefix: string | undefined;

before(async () => { stack = await setUpServiceStack(); });

after(() => tearDownServiceStack(stack, prefix ? [prefix] : []));

test('a scheduled backup waits while a deploy holds the environment lock, then runs', async () => {
  const svc = stackServiceConfig(stack, { schedule: { daily: '*/3 * * * * *' } });
  prefix = svc.prefix;
  const locks = new EnvironmentLocks(stack.stateDir);
  const daily = async () => (await listBackups(svc.config.environments.production!)).filter((b) => b.kind === 'daily');
  const lock = await locks.acquire('production', { operation: 'deploy v1.1.0 by tester via cli', deploymentId: 'held-by-test' });
  const service = await ExecutorService.start({ config: svc.config, environments: ['production'], log: pino({ level: 'silent' }), say: () => undefined, backups: true });
  try {
    await new Promise((r) => setTimeout(r, 8000));
    assert.deepEqual(await daily(), [], 'no backup while the deploy holds the lock');
    const released = Date.now();
    await lock.release();
    // A backup is listed as soon as its file is written; wait for one whose verification finished.
    await waitFor(async () => (await daily()).some((b) => b.verifiedAt !== null), 120_000, 'a verified scheduled backup');
    for (const b of await daily()) assert.ok(Date.parse(b.createdAt) >= released - 1000, `${b.name} ran after the lock was released`);
  } finally {
    await lock.release();
    await service.stop();
  }
});
