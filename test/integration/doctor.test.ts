/**
 * `ripcord doctor` against the reference stack: all green, then each prerequisite broken in turn
 * and named, with its fix, and a non-zero exit.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireDocker, requireRedis } from '../support/require-services.js';
import { ripcord } from '../support/cli.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { freePort, leftovers, run } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;
const slack = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdef', SLACK_APP_TOKEN: 'xapp-1-A111-222-abcdef', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef' };

before(async () => {
  await requireDocker();
  await requireRedis();
  stack = await createReferenceStack();
  await stack.up();
});

/** Temp dirs the breakages make, removed after the suite. */
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

after(() => { for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true }); });

after(async () => {
  const id = stack?.id;
  await stack?.cleanup();
  if (id) assert.deepEqual(await leftovers(id), { containers: [], images: [], volumes: [], networks: [] });
});

async function doctor(env: Record<string, string | undefined> = slack) {
  const r = await ripcord(['--config', stack.configPath, 'doctor', '--json'], { ...env });
  return { code: r.code, result: JSON.parse(r.stdout) as { passed: boolean; checks: Array<{ name: string; status: string; detail: string; fix?: string }> }, raw: r };
}

function failed(result: { checks: Array<{ name: string; status: string; fix?: string }> }): string[] {
  return result.checks.filter((c) => c.status === 'fail').map((c) => c.name);
}

describe('ripcord doctor', () => {
  test('the reference stack is all green', async () => {
    stack.writeConfig();
    const { code, result } = await doctor();
    assert.deepEqual(failed(result), []);
    assert.equal(code, 0);
    for (const name of ['git', 'docker engine', 'compose', 'stage service tasks', 'database', 'database service', 'pg_dump', 'pg_restore', 'migrations table', 'health', 'state dir', 'backup dir', 'redis', 'slack bot token']) {
      assert.ok(result.checks.some((c) => c.name === name && c.status === 'ok'), `${name} is checked and ok`);
    }
    // The reference app names its database in APP_DB only: doctor says it could not read it, and does not fail.
    const app = result.checks.find((c) => c.name === 'app database');
    assert.equal(app?.status, 'warn');
    assert.match(app?.detail ?? '', /which database the app uses could not be read \(ripcord\.yml names app\)/);
  });

  const breakages: Array<[string, string, () => Promise<Record<string, string | undefined>>]> = [
    ['app dir is not a git checkout', 'app dir', async () => { stack.writeConfig({ appDir: tempDir('ripcord-notgit-') }); return slack; }],
    ['Docker engine unreachable', 'docker engine', async () => { stack.writeConfig(); return { ...slack, DOCKER_HOST: 'unix:///nonexistent/docker.sock' }; }],
    ['compose command missing', 'compose', async () => { stack.writeConfig({ composeCommand: 'docker compose' }); return slack; }],
    ['a stage runs in a service the compose file does not have', 'stage service nosuch', async () => {
      stack.writeConfig({ stages: { migrate: { service: 'nosuch', command: '/app/bin/migrate' } } });
      return slack;
    }],
    ['ripcord.yml names a database the running app never migrated', 'migrations table', async () => { stack.writeConfig({ database: { service: 'db', name: 'postgres', user: 'postgres' } }); return slack; }],
    ['database unreachable', 'database', async () => { stack.writeConfig({ database: { url: `postgres://postgres@127.0.0.1:${await freePort()}/app` } }); return slack; }],
    ['pg_dump older than the server', 'pg_dump', async () => {
      const bin = tempDir('ripcord-oldpg-');
      writeFileSync(join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 13.9"\n', { mode: 0o755 });
      stack.writeConfig({ database: { url: stack.databaseUrl } });
      return { ...slack, PATH: `${bin}:${process.env.PATH}` };
    }],
    ['Redis unreachable', 'redis', async () => { writeFileSync(stack.configPath, `redis: { url: "redis://127.0.0.1:${await freePort()}" }\n${readConfig()}`); return slack; }],
    ['backup dir readable by others', 'backup dir', async () => { stack.writeConfig(); chmodSync(stack.backupDir, 0o755); return slack; }],
    ['state dir missing', 'state dir', async () => { chmodSync(stack.backupDir, 0o700); writeFileSync(stack.configPath, readConfig().replace(/stateDir: .*/, 'stateDir: /nonexistent/ripcord-state')); return slack; }],
    ['Slack tokens missing', 'slack bot token', async () => { stack.writeConfig(); return { SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '' }; }],
    ['Slack token malformed', 'slack app token', async () => { stack.writeConfig(); return { ...slack, SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }; }],
  ];

  for (const [what, check, breakIt] of breakages) {
    test(`names it when: ${what}`, async () => {
      const env = await breakIt();
      const { code, result, raw } = await doctor(env);
      assert.notEqual(code, 0, raw.stdout);
      assert.ok(failed(result).includes(check), `${check} should fail; failed: ${failed(result).join(', ')}`);
      const line = result.checks.find((c) => c.name === check && c.status === 'fail');
      assert.ok(line?.fix && line.fix.length > 10, 'the failure says how to fix it');
    });
  }

  test('stage commands in the running web service (host networking, compose v1) are found runnable', async () => {
    stack.writeConfig({ stages: { migrate: { service: 'web', command: '/app/bin/migrate' }, integrity: { service: 'web', command: '/app/bin/check' } } });
    const { result } = await doctor();
    const line = result.checks.find((c) => c.name === 'stage service web');
    assert.equal(line?.status, 'ok', JSON.stringify(line));
    assert.match(line?.detail ?? '', /a one-off command runs in web \(migrate, integrity\)/);
    const oneOffs = await run(['docker', 'ps', '-a', '--filter', `label=com.docker.compose.project=${stack.id}`, '--filter', 'label=com.docker.compose.oneoff=True', '--format', '{{.ID}}'], '/', 10_000);
    assert.equal(oneOffs.trim(), '', 'the no-op left no container behind');
    stack.writeConfig();
  });

  test('warns when database.url is set and the database runs in the compose project without database.service', async () => {
    stack.writeConfig({ database: { url: stack.databaseUrl } });
    const { code, result } = await doctor();
    const line = result.checks.find((c) => c.name === 'database service');
    assert.equal(line?.status, 'warn', JSON.stringify(result.checks));
    assert.match(line?.detail ?? '', /compose service db \(local\/postgres:15\) looks like the database/);
    assert.match(line?.fix ?? '', /set database\.service: db/);
    assert.equal(code, 0, 'a warning does not fail the doctor');
    stack.writeConfig();
  });

  test('the plain output prints one line per check with the fix', async () => {
    stack.writeConfig();
    chmodSync(stack.backupDir, 0o755);
    const r = await ripcord(['--config', stack.configPath, 'doctor'], slack);
    chmodSync(stack.backupDir, 0o700);
    assert.match(r.stdout, /✗ backup dir\s+.* — chmod 0700 /);
    assert.match(r.stdout, /✔ docker engine/);
    assert.match(r.stdout, /NOT ready/);
  });
});

/** The stack's default ripcord.yml as text, for edits writeConfig cannot express. */
function readConfig(): string {
  stack.writeConfig();
  return readFileSync(stack.configPath, 'utf8');
}
