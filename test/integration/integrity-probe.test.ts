/**
 * The integrity stage's database probe with database.url: the password never appears on any child's
 * command line (what `ps` and the journal's record of children show), and the connection still
 * goes where the URL says. Real pg_isready against the PostgreSQL on 127.0.0.1:5432 (trust auth).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { stringify } from 'yaml';
import { DockerodeRuntime } from '../../src/adapters/dockerode-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { integrityStage } from '../../src/executor/stages/checks.js';
import type { StageContext } from '../../src/executor/stage-context.js';
import { requirePostgres } from '../support/require-services.js';
import { freePort } from '../support/stack/stack-helpers.js';

const PASSWORD = 'pw-7f3c1e-never-on-argv';
const dir = mkdtempSync(join(tmpdir(), 'ripcord-probe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function contextFor(url: string, commandLines: string[]): StageContext {
  const configPath = join(dir, 'ripcord.yml');
  writeFileSync(configPath, stringify({ stateDir: dir, environments: { production: {
    appDir: dir, composeFile: 'docker-compose.yml', database: { url }, health: { url: 'http://127.0.0.1:9/health/' }, backups: { dir },
  } } }));
  const env = loadConfig({ configPath, env: {} }).config.environments.production!;
  return {
    envName: 'production', env, compose: { program: ['docker-compose'], appDir: dir, composeFile: 'docker-compose.yml', project: 'probe' },
    runtime: new DockerodeRuntime(), log: pino({ level: 'silent' }),
    // Read while the child runs: exactly what `ps` shows of it.
    onChild: (pid) => commandLines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')),
  };
}

test('pg_isready gets the connection from PG* variables: no password on any command line', async () => {
  await requirePostgres();
  const seen: string[] = [];
  const outcome = await integrityStage(contextFor(`postgres://postgres:${PASSWORD}@127.0.0.1:5432/postgres?sslmode=disable`, seen));
  assert.equal(outcome.ok, true, outcome.reason);
  assert.ok(seen.length >= 1, 'the probe ran as a child');
  for (const line of seen) assert.doesNotMatch(line, new RegExp(PASSWORD), `password visible in ps: ${line}`);
});

test('the URL still decides where it connects: a port nothing listens on fails the stage', async () => {
  const outcome = await integrityStage(contextFor(`postgres://postgres:${PASSWORD}@127.0.0.1:${await freePort()}/postgres`, []));
  assert.equal(outcome.ok, false);
  assert.match(outcome.reason ?? '', /^integrity: database not reachable: pg_isready exit 2$/);
  assert.doesNotMatch(outcome.reason ?? '', new RegExp(PASSWORD));
});
