/**
 * ROLLBACK_ENABLED=false (rollback.enabled) means no rollback at all: a manual rollback is refused
 * before anything is looked at or changed, and recovery ends an interrupted deploy as failed, not
 * rolled back, saying how to roll back by hand. (Deploys honour it too: deploy-rollback tests.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { Journal, readJournal } from '../../src/state/journal.js';
import { foldJournal } from '../../src/domain/journal-facts.js';
import { ripcord } from '../support/cli.js';
import { git } from '../support/stack/stack-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-rollback-off-'));
const appDir = join(root, 'app');
const stateDir = join(root, 'state');
const configPath = join(root, 'ripcord.yml');
const OFF = { ROLLBACK_ENABLED: 'false' };

before(async () => {
  mkdirSync(appDir);
  mkdirSync(stateDir, { mode: 0o700 });
  writeFileSync(join(appDir, 'docker-compose.yml'), 'version: "2.4"\nservices:\n  web:\n    image: local/busybox:1\n');
  await git(appDir, ['init', '-q']);
  await git(appDir, ['-c', 'user.name=t', '-c', 'user.email=t@ripcord.invalid', 'commit', '-q', '--allow-empty', '-m', 'one']);
  writeFileSync(configPath, stringify({
    stateDir,
    environments: { production: { appDir, composeProject: `off${process.pid}`, database: { url: 'postgres://postgres@127.0.0.1:9/app' }, health: { url: 'http://127.0.0.1:9/health/' } } },
  }));
});

after(() => rmSync(root, { recursive: true, force: true }));

test('a manual rollback is refused, exit 2, nothing journaled', async () => {
  for (const args of [['rollback', 'quick', '--yes'], ['rollback', '--level', '1', '--to', 'HEAD', '--yes']]) {
    const r = await ripcord(['--config', configPath, ...args], OFF);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /rollbacks are off for production \(rollback\.enabled is false, or ROLLBACK_ENABLED=false\)/);
    assert.match(r.stdout + r.stderr, /set rollback\.enabled: true/);
  }
});

test('recovery ends an interrupted deploy as failed without rolling it back, and says so', async () => {
  const j = await Journal.create(stateDir, { id: 'd-off', kind: 'deploy', env: 'production', ref: 'v2', targetSha: null, previousSha: 'a'.repeat(40), previousImages: {} });
  for (const stage of ['preflight', 'fetch', 'build'] as const) await j.append({ type: 'stage_started', stage });
  await j.close();
  const r = await ripcord(['--config', configPath, 'recover', '--json'], OFF);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const result = JSON.parse(r.stdout) as { reports: Array<{ outcome: string; reason: string; rollback?: unknown[] }> };
  assert.equal(result.reports[0]?.outcome, 'failed');
  assert.match(result.reports[0]?.reason ?? '', /stopped during build .*not rolled back: rollbacks are off/);
  assert.equal(result.reports[0]?.rollback, undefined, 'no rollback step ran');
  const facts = foldJournal((await readJournal(j.path)).entries);
  assert.equal(facts.state, 'failed');
  assert.equal(facts.steps.length, 0);
});
