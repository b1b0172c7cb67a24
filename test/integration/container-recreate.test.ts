/**
 * A rollback recreates a container from its blueprint by image ID: when the service's tag has been
 * moved to another image in between (a build finishing, a person re-tagging), the container still
 * comes back on the image it ran before. This was the flaky crash-recovery "web on the wrong image".
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DockerodeRuntime } from '../../src/adapters/dockerode-runtime.js';
import { requireDocker } from '../support/require-services.js';
import { run } from '../support/stack/stack-helpers.js';

const project = `rc${randomBytes(4).toString('hex')}`;
const tag = `${project}_web:latest`;
const runtime = new DockerodeRuntime();

before(async () => {
  await requireDocker();
  await run(['docker', 'tag', 'local/busybox:1', tag], '/', 30_000);
});

after(async () => {
  const ids = (await run(['docker', 'ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], '/', 30_000)).split('\n').filter(Boolean);
  for (const id of ids) await run(['docker', 'rm', '-f', id], '/', 30_000);
  await run(['docker', 'rmi', tag], '/', 30_000).catch(() => undefined);
});

test('recreated from its blueprint after its tag moved: the same image ID, and the image name kept for the next preflight', async () => {
  const imageId = (await run(['docker', 'image', 'inspect', '--format', '{{.Id}}', tag], '/', 30_000)).trim();
  const id = (await run(['docker', 'run', '-d', '--network', 'host', '--name', `${project}_web_1`, '-l', `com.docker.compose.project=${project}`, '-l', 'com.docker.compose.service=web', '-l', 'com.docker.compose.oneoff=False', tag, 'sleep', '300'], '/', 30_000)).trim();
  const blueprint = await runtime.blueprint(id);
  await run(['docker', 'tag', 'local/postgres:15', tag], '/', 30_000);
  await runtime.recreate(blueprint, [id]);
  const [web] = await runtime.serviceContainers(project);
  assert.equal(web?.imageId, imageId, 'the image it ran before, not what the tag points at now');
  assert.equal(web?.imageName, tag, 'the service\'s image name survives');
  assert.equal(web?.state, 'running');
});
