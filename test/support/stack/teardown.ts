/** The after() of every reference-stack test: remove the stack, then prove nothing of it is left. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { ReferenceStack } from './reference-stack.js';
import { leftovers } from './stack-helpers.js';

export async function tearDownStack(stack: ReferenceStack | undefined): Promise<void> {
  if (!stack) return;
  await stack.cleanup();
  assert.deepEqual(await leftovers(stack.id), { containers: [], images: [], volumes: [], networks: [] });
  assert.equal(existsSync(stack.root), false);
}
