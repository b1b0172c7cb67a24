/**
 * The Ripcord image (deploy/Dockerfile) builds here from a locally built Node base (no registry)
 * and runs `ripcord --version` as a non-root user. The image and its build stage are removed after.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { runCommand } from '../../src/adapters/process-runner.js';
import { requireDocker } from '../support/require-services.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tag = `ripcord-image-test:${randomBytes(4).toString('hex')}`;
const version = (JSON.parse(readFileSync(`${repo}/package.json`, 'utf8')) as { version: string }).version;

async function run(argv: string[], timeoutMs = 120_000): Promise<string> {
  const r = await runCommand({ argv, cwd: repo, timeoutMs });
  assert.equal(r.exitCode, 0, `${argv.join(' ')}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout.trim();
}

before(async () => {
  await requireDocker();
  await run(['bash', 'deploy/local-node-image.sh']);
});

after(async () => {
  await runCommand({ argv: ['docker', 'rmi', '-f', tag], timeoutMs: 120_000 });
  await runCommand({ argv: ['docker', 'image', 'prune', '-f', '--filter', 'label=org.ripcord.stage=build'], timeoutMs: 120_000 });
});

test('deploy/Dockerfile builds from local/node:20 and `ripcord --version` runs inside, not as root', async () => {
  // Host networking: npm reaches its registry; this engine has no bridge network.
  await run(['docker', 'build', '--network', 'host', '--force-rm', '-q', '-f', 'deploy/Dockerfile', '--build-arg', 'NODE_IMAGE=local/node:20', '-t', tag, '.'], 900_000);
  assert.equal(await run(['docker', 'run', '--rm', '--network', 'none', tag, '--version']), version);
  const uid = await run(['docker', 'run', '--rm', '--network', 'none', '--entrypoint', 'id', tag, '-u']);
  assert.notEqual(uid, '0', 'runs as the ripcord user');
  const help = await run(['docker', 'run', '--rm', '--network', 'none', tag, 'demo', '--help']);
  assert.match(help, /--keep/);
});

test('deploy/compose.yml is a valid compose file: Redis with AOF and noeviction, the store, the socket and the app dir mounted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ripcord-compose-'));
  try {
    writeFileSync(join(dir, 'ripcord.env'), 'SLACK_BOT_TOKEN=\n', { mode: 0o600 });
    const r = await runCommand({ argv: ['docker-compose', '-f', 'deploy/compose.yml', 'config'], cwd: repo, timeoutMs: 60_000,
      env: { APP_DIR: '/srv/app', RIPCORD_DB_PASSWORD: 'pw', RIPCORD_ENV_FILE: join(dir, 'ripcord.env') } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /- --appendonly\n\s+- "yes"/);
    assert.match(r.stdout, /- --maxmemory-policy\n\s+- noeviction/);
    assert.match(r.stdout, /\/var\/run\/docker\.sock:\/var\/run\/docker\.sock/);
    assert.match(r.stdout, /\/srv\/app:\/srv\/app/);
    const missing = await runCommand({ argv: ['docker-compose', '-f', 'deploy/compose.yml', 'config', '-q'], cwd: repo, timeoutMs: 60_000, env: { APP_DIR: '', RIPCORD_DB_PASSWORD: '' } });
    assert.notEqual(missing.exitCode, 0, 'APP_DIR and the store password are required');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
