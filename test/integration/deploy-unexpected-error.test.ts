/**
 * A deploy that stops on an error no stage caught (here: the journal directory is a file) still
 * ends with a report: exit 1, the reason in words with the way out, and an ERROR notification.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { ripcord } from '../support/cli.js';
import { git } from '../support/stack/stack-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-unexpected-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('an unexpected error mid-deploy is reported, exits 1 and is notified', async () => {
  const appDir = join(root, 'app');
  mkdirSync(appDir);
  await git(appDir, ['init', '-q']);
  mkdirSync(join(root, 'state', 'journal'), { recursive: true });
  writeFileSync(join(root, 'state', 'journal', 'production'), 'not a directory');
  const configPath = join(root, 'ripcord.yml');
  writeFileSync(configPath, stringify({
    stateDir: join(root, 'state'),
    environments: { production: { appDir, database: { url: 'postgres://postgres@127.0.0.1:5432/app' }, backups: { dir: join(root, 'backups') }, health: { url: 'http://127.0.0.1:9/health/' } } },
  }));
  const r = await ripcord(['--config', configPath, 'deploy', 'v1.0.0', '--yes']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /FAILED on production; nothing was rolled back/);
  assert.match(r.stdout, /reason: deploy stopped unexpectedly: .*ENOTDIR.*; run `ripcord recover --env production`/);
  const log = readFileSync(join(appDir, 'logs', 'notifications.log'), 'utf8');
  assert.match(log, /\[ERROR\].*production/);
});
