/**
 * Compose v1, host networking, migrate/static/integrity in the running `web` service, the app
 * database named `postgres` (host-v1-variant.ts): a good release deploys with its migration run on
 * its own new image; each release failing in a stage command rolls back exactly; a failed check's
 * reason is the check's own words; the app's secret is in no journal. The other failing kinds on
 * this variant: deploy-rollback-host-v1-more.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { composeTargetForEnvironment } from '../../src/adapters/compose-project.js';
import { DockerodeRuntime } from '../../src/adapters/dockerode-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { StageContext } from '../../src/executor/stage-context.js';
import { serviceCommandStage } from '../../src/executor/stages/compose-commands.js';
import { requireDocker } from '../support/require-services.js';
import { APP_SECRET, assertRollsBackExactly, deploy, hostV1Stack, stateFilesHolding } from '../support/stack/host-v1-variant.js';
import type { ReferenceStack } from '../support/stack/reference-stack.js';
import { webVersion } from '../support/stack/rollback-checks.js';
import { run } from '../support/stack/stack-helpers.js';
import { tearDownStack } from '../support/stack/teardown.js';

let stack: ReferenceStack;

async function stageContext(s: ReferenceStack): Promise<StageContext> {
  const env = loadConfig({ configPath: s.configPath, env: {} }).config.environments.production!;
  return { envName: 'production', env, compose: await composeTargetForEnvironment(env), runtime: new DockerodeRuntime(), log: pino({ level: 'silent' }), onChild: () => undefined };
}

const oneOffContainers = (s: ReferenceStack) => run(['docker', 'ps', '-a', '--filter', `label=com.docker.compose.project=${s.id}`, '--filter', 'label=com.docker.compose.oneoff=True', '--format', '{{.Names}}'], '/', 10_000);

before(async () => {
  await requireDocker();
  stack = await hostV1Stack();
});

after(() => tearDownStack(stack));

describe('compose v1, host networking, stage commands in the running web service, database "postgres"', () => {
  test('a good release deploys: its migration ran on its new image, in the database named postgres', async () => {
    const r = await deploy(stack, 'v1.1.0');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.report?.outcome, 'succeeded');
    assert.equal(await webVersion(stack), '1.1.0');
    const applied = await run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', 'postgres', '-Atc', 'select name from schema_migrations order by 1'], '/', 10_000);
    assert.match(applied, /003_price\.sql/, 'the new release\'s migration was applied: the one-off ran the new image');
  });

  for (const kind of ['migration-fails', 'static-fails'] as const) {
    test(`${kind}: exits 3 and everything is as before`, async () => {
      await assertRollsBackExactly(stack, kind, '1.1.0');
    });
  }

  test('integrity-fails: rolls back exactly, and the reason is the check\'s own words, not compose\'s progress', async () => {
    const reason = await assertRollsBackExactly(stack, 'integrity-fails', '1.1.0');
    assert.equal(reason, 'integrity: `/app/bin/check` failed: SECRET_KEY missing');
  });

  test('a one-off that runs past its timeout is stopped: its container does not go on in the engine', async () => {
    const ctx = await stageContext(stack);
    const started = Date.now();
    const outcome = await serviceCommandStage(ctx, 'migrate', { service: 'web', command: 'echo started; sleep 120', timeoutSeconds: 4 });
    assert.equal(outcome.reason, 'migrate: `echo started; sleep 120` failed: timed out after 4 s');
    assert.ok(Date.now() - started < 30_000);
    assert.equal((await oneOffContainers(stack)).trim(), '', 'no one-off container left running');
  });

  test('the app\'s secret (its container environment) is in no journal or other state file, and no environments file is left', () => {
    assert.deepEqual(stateFilesHolding(stack, APP_SECRET), []);
  });
});
