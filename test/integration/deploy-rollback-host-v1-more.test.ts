/**
 * The failing kinds that are not stage commands, on the compose v1 / host networking / running-web /
 * database "postgres" variant (host-v1-variant.ts): each exits 3 and leaves the host exactly as before
 * — the rollback's own integrity check runs in the running web service too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { APP_SECRET, assertRollsBackExactly, hostV1Stack, stateFilesHolding } from '../support/stack/host-v1-variant.js';
import type { ReferenceStack } from '../support/stack/reference-stack.js';
import { tearDownStack } from '../support/stack/teardown.js';

let stack: ReferenceStack;

before(async () => {
  await requireDocker();
  stack = await hostV1Stack();
});

after(() => tearDownStack(stack));

describe('compose v1, host networking, stage commands in the running web service, database "postgres"', () => {
  for (const kind of ['build-fails', 'health-503', 'critical-log', 'exits-immediately'] as const) {
    test(`${kind}: exits 3 and everything is as before`, async () => {
      await assertRollsBackExactly(stack, kind, '1.0.0');
    });
  }

  test('the app\'s secret is in no state file after the rollbacks', () => {
    assert.deepEqual(stateFilesHolding(stack, APP_SECRET), []);
  });
});
