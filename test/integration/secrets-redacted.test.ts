/**
 * Issue 10 item 2: a secret that reaches a failure reason or its evidence is masked where the
 * reason is made, so no consumer ever sees it. Real deploys on the reference stack fail in each
 * place a secret can come from — a git error quoting a remote URL with a token, migration output,
 * a health response body, container log tails — each planting a password, a token and a URL with
 * credentials; then the `--json` output, the journals, the script logs, the notifications log, the
 * JSON log and Ripcord's own tables in PostgreSQL are searched for every planted secret.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { requireDocker, requirePostgres } from '../support/require-services.js';
import { ripcord, type CliResult } from '../support/cli.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { freePort, git, leftovers } from '../support/stack/stack-helpers.js';

const tag = randomBytes(4).toString('hex');
/** Each planted secret is unique to this run, so finding it anywhere can only mean a leak. */
const SECRET = {
  password: `hunter2pw${tag}`,
  token: `xoxb-1234-5678-tok${tag}`,
  urlPassword: `urlpw${tag}`,
  gitToken: `glpat-gittok${tag}`,
  gitPassword: `gitpw${tag}`,
};
const PLANTED = `PGPASSWORD=${SECRET.password} token ${SECRET.token} via postgres://app:${SECRET.urlPassword}@db.internal:5432/app`;

const storeDb = `ripcord_secrets_${tag}`;
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
let stack: ReferenceStack;
let logFile: string;
const outputs: CliResult[] = [];

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

/** Releases built on v1.1.0 whose migration, health body or logs carry the planted secrets. */
async function addLeakyReleases(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ripcord-leaky-'));
  try {
    await git(work, ['clone', '-q', stack.originDir, 'w']);
    const dir = join(work, 'w');
    const author = ['-c', 'user.name=Ripcord Tests', '-c', 'user.email=tests@ripcord.invalid'];
    const release = async (name: string, files: Record<string, string>) => {
      await git(dir, ['checkout', '-q', '--detach', 'v1.1.0']);
      for (const [path, text] of Object.entries(files)) { writeFileSync(join(dir, path), text); chmodSync(join(dir, path), 0o755); }
      await git(dir, ['add', '-A']);
      await git(dir, [...author, 'commit', '-q', '-m', `release ${name}`]);
      await git(dir, [...author, 'tag', '-a', name, '-m', name]);
    };
    await release('leaky-migration', { 'web/app/bin/migrate': `#!/bin/sh\necho "applying 004_keys.sql"\necho "psql: connection failed: ${PLANTED}" >&2\nexit 1\n` });
    const serve = readFileSync(join(dir, 'web/app/bin/serve'), 'utf8');
    await release('leaky-health', {
      'web/app/bin/health.cgi': `#!/bin/sh\nprintf 'Status: 503 Service Unavailable\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s\\n' "unhealthy: ${PLANTED}"\n`,
      'web/app/bin/serve': serve.replace('exec httpd', `echo "starting with ${PLANTED}"\nexec httpd`),
    });
    await release('leaky-log', { 'web/app/bin/serve': serve.replace('exec httpd', `(sleep 1; echo "CRITICAL: payment provider refused ${PLANTED}") &\nexec httpd`) });
    await git(dir, ['push', '-q', '--tags', stack.originDir]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function deploy(ref: string): Promise<CliResult & { report: { outcome: string; reason?: string } }> {
  const r = await ripcord(['--config', stack.configPath, 'deploy', ref, '--yes', '--json']);
  outputs.push(r);
  return { ...r, report: JSON.parse(r.stdout) as { outcome: string; reason?: string } };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function storeRows(): Promise<string> {
  const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${storeDb}` });
  await c.connect();
  try {
    const d = await c.query('SELECT * FROM ripcord.deployments');
    const s = await c.query('SELECT * FROM ripcord.stage_runs');
    assert.ok(d.rows.length >= 4 && s.rows.length > 0, 'the records were written');
    return JSON.stringify([d.rows, s.rows]);
  } finally {
    await c.end();
  }
}

function assertClean(where: string, text: string): void {
  for (const [kind, secret] of Object.entries(SECRET)) assert.ok(!text.includes(secret), `${where} holds the planted ${kind}`);
}

before(async () => {
  await requireDocker();
  await requirePostgres();
  await admin(`CREATE DATABASE ${storeDb}`);
  stack = await createReferenceStack();
  logFile = join(stack.root, 'ripcord.log');
  const config = stack.writeConfig({ health: { url: stack.healthUrl, retries: 3, delaySeconds: 1, timeoutSeconds: 3 } });
  writeFileSync(config, `${readFileSync(config, 'utf8')}store:\n  databaseUrl: postgres://postgres@127.0.0.1:5432/${storeDb}\nlogging:\n  file: ${logFile}\n`);
  await stack.up();
  await addLeakyReleases();
});

after(async () => {
  const id = stack?.id;
  await stack?.cleanup();
  await admin(`DROP DATABASE IF EXISTS ${storeDb} WITH (FORCE)`);
  if (id) assert.deepEqual(await leftovers(id), { containers: [], images: [], volumes: [], networks: [] });
});

test('secrets in migration output, a health body and log tails are masked in the reason', async () => {
  const results = [];
  for (const ref of ['leaky-migration', 'leaky-health', 'leaky-log']) results.push({ ref, ...(await deploy(ref)) });
  for (const r of results) {
    assert.equal(r.code, 3, `${r.ref}: ${r.stdout}\n${r.stderr}`);
    assert.equal(r.report.outcome, 'rolled_back');
  }
  // The reasons that quote the failing output still do, with the secrets masked in place.
  assert.match(results[0]!.report.reason ?? '', /migrate: .*PGPASSWORD=\*\*\* token xoxb-\*\*\* via postgres:\/\/app:\*\*\*@db.internal/);
  assert.match(results[1]!.report.reason ?? '', /health check: GET \/health\/ returned 503/);
  assert.match(results[2]!.report.reason ?? '', /logs: .*CRITICAL: payment provider refused PGPASSWORD=\*\*\*/);
});

test('a git error quoting a remote URL with a token is masked', async () => {
  const port = await freePort();
  await git(stack.appDir, ['remote', 'set-url', 'origin', `https://deploy:${SECRET.gitPassword}@127.0.0.1:${port}/app.git?private_token=${SECRET.gitToken}`]);
  try {
    const r = await deploy('v1.1.0');
    assert.equal(r.report.outcome, 'refused', r.stdout);
    assert.match(r.report.reason ?? '', /git fetch failed.*private_token=\*\*\*/);
  } finally {
    await git(stack.appDir, ['remote', 'set-url', 'origin', stack.originDir]);
  }
});

test('no planted secret is in the JSON output, journals, logs, notifications or the store tables', async () => {
  assert.equal(outputs.length, 4);
  for (const r of outputs) assertClean('the CLI output', r.stdout + r.stderr);
  const journals = filesUnder(join(stack.stateDir, 'journal'));
  assert.ok(journals.length >= 4);
  for (const f of journals) assertClean(f, readFileSync(f, 'utf8'));
  const logs = filesUnder(join(stack.appDir, 'logs'));
  assert.ok(logs.some((f) => f.endsWith('notifications.log')) && logs.some((f) => f.endsWith('update.log')), logs.join(', '));
  for (const f of logs) assertClean(f, readFileSync(f, 'utf8'));
  assertClean('the JSON log', readFileSync(logFile, 'utf8'));
  assertClean('ripcord.deployments and ripcord.stage_runs', await storeRows());
});
