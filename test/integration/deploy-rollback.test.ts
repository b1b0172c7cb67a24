/**
 * The executor on the reference stack with real git, Docker, compose and PostgreSQL: a good release
 * deploys; every failing kind exits 3 and leaves the host exactly as before (HEAD, image IDs,
 * database checksum, health, no leftover containers, lock free); bad refs and a held lock exit 2.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { ripcord, startCli } from '../support/cli.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { FAILING_RELEASES } from '../support/stack/releases.js';
import { assertAsBefore, hostState as stateOf, webVersion } from '../support/stack/rollback-checks.js';
import { headSha, leftovers, run } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;

const hostState = () => stateOf(stack);
const version = () => webVersion(stack);

async function deploy(ref: string) {
  const r = await ripcord(['--config', stack.configPath, 'deploy', ref, '--yes', '--json']);
  const report = r.stdout ? JSON.parse(r.stdout) as { outcome: string; reason?: string; stages: Array<{ name: string }> } : null;
  return { ...r, report };
}

before(async () => {
  await requireDocker();
  stack = await createReferenceStack();
  stack.writeConfig({ health: { url: stack.healthUrl, retries: 10, delaySeconds: 1, timeoutSeconds: 3 } });
  await stack.up();
});

after(async () => {
  const id = stack?.id;
  await stack?.cleanup();
  if (id) assert.deepEqual(await leftovers(id), { containers: [], images: [], volumes: [], networks: [] });
  if (stack) assert.equal(existsSync(stack.root), false);
});

describe('deploy', () => {
  test('--dry-run prints current → target, commits, migration files, images to build, and changes nothing', async () => {
    const head = await headSha(stack.appDir);
    const r = await ripcord(['--config', stack.configPath, 'deploy', 'v1.1.0', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Deploy v1.1.0: ${head.slice(0, 7)} → [0-9a-f]{7}`));
    assert.match(r.stdout, /Commits \(1\):\n\s+[0-9a-f]{7} release v1.1.0/);
    assert.match(r.stdout, /Pending migrations: not known before the deploy: `\/app\/bin\/migrate` in tasks decides/);
    assert.match(r.stdout, /Migration files this release adds or changes \(1\):\n\s+added\s+web\/app\/migrations\/003_price.sql/);
    // From the target release's compose file: web builds; db and tasks use images.
    assert.match(r.stdout, /Images to build \(1\):\n {2}web \(build context \.\/web\)\n/);
    assert.equal(await headSha(stack.appDir), head);
    assert.equal(existsSync(join(stack.stateDir, 'journal')), false, 'no deployment was started');
  });

  test('a good release deploys: new SHA, new images, health green, exit 0', async () => {
    const before = await hostState();
    const r = await deploy('v1.1.0');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.report?.outcome, 'succeeded');
    const after = await hostState();
    assert.equal(after.head, (await run(['git', 'rev-parse', 'v1.1.0^{commit}'], stack.appDir, 10_000)).trim());
    assert.notEqual(after.images.web, before.images.web);
    assert.equal(await version(), '1.1.0');
    assert.equal(existsSync(join(stack.stateDir, 'locks', 'production.lock')), false);
  });

  type Report = { database?: { action: string; why?: string }; rollback?: Array<{ name: string; kept?: string }>; live?: { sha: string; tag?: string } };
  const reports: Record<string, Report | null> = {};
  for (const kind of FAILING_RELEASES) {
    test(`${kind}: exits 3 and everything is as before`, async () => {
      const before = await hostState();
      const r = await deploy(kind);
      reports[kind] = r.report as typeof reports[string];
      assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
      assert.equal(r.report?.outcome, 'rolled_back');
      assert.ok(r.report?.reason, 'the failure reason is given in words');
      await assertAsBefore(stack, before, '1.1.0');
    });
  }

  test('each report says what the rollback did to the database, as it happened', async () => {
    // The build fails before anything can change the database; the others ran the new code against it.
    assert.equal(reports['build-fails']?.database?.action, 'untouched');
    for (const kind of FAILING_RELEASES.filter((k) => k !== 'build-fails')) assert.match(reports[kind]?.database?.action ?? '', /^(restored|kept)$/, kind);
  });

  test('a kept database is said by its step too, and each report names the release the host is back on, read from git', async () => {
    const v110 = (await run(['git', 'rev-parse', 'v1.1.0^{commit}'], stack.appDir, 10_000)).trim();
    for (const kind of FAILING_RELEASES) {
      const r = reports[kind];
      assert.deepEqual(r?.live, { sha: v110, tag: 'v1.1.0' }, kind);
      const step = r?.rollback?.find((s) => s.name === 'restore_database');
      if (r?.database?.action === 'kept') assert.equal(step?.kept, r.database.why, kind);
      else assert.equal(step?.kept, undefined, kind);
    }
  });

  test('the failure reason names the health check in words', async () => {
    const r = await deploy('health-503');
    assert.match(r.report?.reason ?? '', /health check: GET \/health\/ returned 503 10 times/);
  });

  test('status shows the release, services, a free lock, the last outcome and a verified backup', async () => {
    const r = await ripcord(['--config', stack.configPath, 'status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { release: { tags: string[] }; services: Array<{ service: string; state: string }>; lock: string | null; lastOperation: { state: string; ref: string }; newestBackup: { verified: boolean } };
    assert.ok(s.release.tags.includes('v1.1.0'));
    assert.deepEqual(s.services.map((x) => `${x.service}:${x.state}`).sort(), ['db:running', 'web:running']);
    assert.equal(s.lock, null);
    assert.deepEqual([s.lastOperation.ref, s.lastOperation.state], ['health-503', 'rolled_back']);
    assert.equal(s.newestBackup.verified, true);
  });

  test('a release that becomes healthy only after several seconds deploys', async () => {
    const r = await deploy('slow-healthy');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await version(), '1.2.0-slow');
  });
});

describe('refusals (exit 2, nothing changed)', () => {
  for (const ref of ['v1.0.0;rm -rf /', '--upload-pack=x', '../../etc']) {
    test(`ref ${JSON.stringify(ref)} is refused before any git command`, async () => {
      const journals = () => (existsSync(join(stack.stateDir, 'journal', 'production')) ? readdirSync(join(stack.stateDir, 'journal', 'production')).length : 0);
      const [head, count] = [await headSha(stack.appDir), journals()];
      const r = await ripcord(['--config', stack.configPath, 'deploy', '--yes', '--', ref]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr + r.stdout, /tag, branch or SHA/);
      assert.equal(await headSha(stack.appDir), head);
      assert.equal(journals(), count, 'no deployment was even started');
    });
  }

  test('a second deploy while one runs is refused with the holder\'s details', async () => {
    const first = startCli(['--config', stack.configPath, 'deploy', 'slow-build', '--yes']);
    const lock = join(stack.stateDir, 'locks', 'production.lock');
    for (let i = 0; i < 100 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
    const second = await ripcord(['--config', stack.configPath, 'deploy', 'v1.1.0', '--yes']);
    assert.equal(second.code, 2, second.stdout + second.stderr);
    assert.match(second.stdout + second.stderr, /locked by deploy slow-build by .* via cli.*since/s);
    const r = await first.done;
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
