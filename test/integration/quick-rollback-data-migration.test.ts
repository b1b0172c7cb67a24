/**
 * `rollback quick` after a good release whose only migration changed data (issue 19): the schema
 * is the same as before the deploy, but the migrations record is not, and this app — like many —
 * refuses to serve on a database migrated past what its code knows. The quick rollback must see
 * that, restore the pre-deploy backup, say why in the preview and the run alike, and end healthy.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ripcord } from '../support/cli.js';
import { requireDocker } from '../support/require-services.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { hostState, webVersion, type HostState } from '../support/stack/rollback-checks.js';
import { tearDownStack } from '../support/stack/teardown.js';

let stack: ReferenceStack;
let onV110: HostState;
const cli = (args: string[]) => ripcord(['--config', stack.configPath, ...args]);

before(async () => {
  await requireDocker();
  stack = await createReferenceStack();
  appendFileSync(join(stack.appDir, '.env'), 'STRICT_MIGRATIONS=1\n');
  stack.writeConfig({ health: { url: stack.healthUrl, retries: 4, delaySeconds: 1, timeoutSeconds: 3 } });
  await stack.up();
  const first = await cli(['deploy', 'v1.1.0', '--yes']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  onV110 = await hostState(stack);
  const second = await cli(['deploy', 'data-only', '--yes']);
  assert.equal(second.code, 0, second.stdout + second.stderr);
});

after(() => tearDownStack(stack));

test('the preview says the database goes back, and why: the migrations record, not the schema', async () => {
  const r = await cli(['rollback', 'quick', '--dry-run']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Code: data-only [0-9a-f]{7} → v1\.1\.0 [0-9a-f]{7}/);
  assert.match(r.stdout, /Database: restored from backup_\d{8}_\d{6}\.dump/);
  assert.match(r.stdout, /why: v1\.1\.0 [0-9a-f]{7} ran on another database: since backup_\d{8}_\d{6}\.dump, taken before [0-9a-f]{7} was deployed, schema_migrations gained 1 row/);
});

test('the quick rollback restores the pre-deploy backup and ends healthy on v1.1.0, with its data', async () => {
  const r = await cli(['rollback', 'quick', '--yes', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { outcome: string; database?: { action: string } };
  assert.equal(report.outcome, 'succeeded');
  assert.equal(report.database?.action, 'restored');
  const health = await fetch(stack.healthUrl);
  assert.equal(health.status, 200, await health.text());
  assert.equal(await webVersion(stack), '1.1.0');
  assert.deepEqual(await hostState(stack), onV110, 'the code, images and data v1.1.0 ran with');
});
