/** `ripcord recover` with no --env (what the boot unit runs) looks at every environment of the host. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { ripcord } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-recover-all-'));
after(() => rmSync(root, { recursive: true, force: true }));

function environment(name: string) {
  mkdirSync(join(root, name));
  return { appDir: join(root, name), database: { url: `postgres://postgres@127.0.0.1:5432/${name}` }, backups: { dir: join(root, `${name}-backups`) }, health: { url: 'http://127.0.0.1:9/health/' } };
}

test('recover without --env goes through every environment; with --env only that one', async () => {
  const configPath = join(root, 'ripcord.yml');
  writeFileSync(configPath, stringify({ stateDir: join(root, 'state'), environments: { production: environment('production'), staging: environment('staging') } }));
  const all = await ripcord(['--config', configPath, 'recover']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /nothing to recover in production\nnothing to recover in staging/);
  const one = await ripcord(['--config', configPath, 'recover', '--env', 'staging']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout.trim(), 'nothing to recover in staging');
});
