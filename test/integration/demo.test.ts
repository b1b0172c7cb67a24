/**
 * `ripcord demo` end to end, as a person runs it: the story's facts are checked from outside the
 * demo (the sandbox's database through psql on the host, `ripcord status`, the journals, Docker),
 * then `ripcord demo --clean` must leave no container, volume, image or file behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ripcord, type CliResult } from '../support/cli.js';
import { requireDocker } from '../support/require-services.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-demo-test-'));
const dir = join(root, 'sandbox');
let demo: CliResult;
let record: { project: string; dbPort: number; webPort: number };

const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-p', String(record.dbPort), '-U', 'postgres', '-d', 'shop', '-qAtc', sql], { encoding: 'utf8' }).trim();
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);

before(async () => {
  await requireDocker();
  demo = await ripcord(['demo', '--keep', '--dir', dir]);
  record = JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')) as typeof record;
});

after(async () => {
  if (existsSync(dir)) await ripcord(['demo', '--clean', '--dir', dir]);
  rmSync(root, { recursive: true, force: true });
});

test('the demo runs the whole story and exits 0', () => {
  assert.equal(demo.code, 0, demo.stdout + demo.stderr);
  assert.match(demo.stdout, /deployed v1\.1\.0 \([0-9a-f]{12}\) to production/);
  assert.match(demo.stdout, /FAILED and rolled back production/);
  assert.match(demo.stdout, /rolled back production to v1\.0\.0/);
});

test('the failing release was rolled back with the data checksum equal to before', () => {
  const checksum = (label: string) => new RegExp(`${label}:\\s+code v1\\.1\\.0 \\S+ · web image (\\S+) · 5 customers, 1200 orders · data checksum ([0-9a-f]{16})`).exec(demo.stdout);
  const [pre, post] = [checksum('before'), checksum('after')];
  assert.ok(pre && post, demo.stdout);
  assert.equal(post[1], pre[1], 'the web image is the one from before');
  assert.equal(post[2], pre[2], 'the data checksum is the one from before');
  const journals = readdirSync(join(dir, 'state', 'journal', 'production')).map((f) => readFileSync(join(dir, 'state', 'journal', 'production', f), 'utf8'));
  const failing = journals.find((j) => j.includes('"ref":"v1.2.0"'));
  assert.ok(failing, 'the v1.2.0 deploy has a journal');
  assert.match(failing, /"state":"rolled_back"/);
});

test('the manual quick rollback left v1.0.0 live with its own data', async () => {
  const status = await ripcord(['--config', join(dir, 'ripcord.yml'), 'status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { release: { tags: string[] }; health: { healthy: boolean }; lastOperation: { kind: string; state: string } };
  assert.deepEqual(s.release.tags, ['v1.0.0']);
  assert.equal(s.health.healthy, true);
  assert.equal(s.lastOperation.kind, 'rollback');
  assert.equal(s.lastOperation.state, 'rolled_back', 'a manual rollback ends rolled_back');
  assert.equal(await (await fetch(`http://127.0.0.1:${record.webPort}/version`)).text(), '1.0.0\n');
  // v1.0.0's database: no status column, the failing migration's changes undone, only migration 001.
  assert.equal(psql("select count(*) from information_schema.columns where table_name = 'orders' and column_name = 'status'"), '0');
  assert.equal(psql('select count(*) from orders'), '1200');
  assert.equal(psql("select count(*) from customers where email = 'Ada@Example.com'"), '1');
  assert.equal(psql('select string_agg(name, \',\') from schema_migrations'), '001_customers_orders.sql');
});

test('demo --clean removes every container, volume, image and file of the sandbox', async () => {
  const cleaned = await ripcord(['demo', '--clean', '--dir', dir]);
  assert.equal(cleaned.code, 0, cleaned.stderr);
  assert.deepEqual(docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${record.project}`), []);
  assert.deepEqual(docker('volume', 'ls', '-q', '--filter', `name=${record.project}`), []);
  assert.deepEqual(docker('images', '-q', '--filter', `reference=${record.project}*`), []);
  assert.deepEqual(docker('images', '-aq', '--filter', `label=org.ripcord.demo.sandbox=${record.project}`), [], 'no image of any release, tagged or not');
  assert.equal(existsSync(dir), false);
  const again = await ripcord(['demo', '--clean', '--dir', dir]);
  assert.match(again.stdout, /nothing to remove/);
});

test('with no config at all, a command says how to start the demo or write one with init', async () => {
  const empty = mkdtempSync(join(root, 'empty-'));
  const r = await ripcord(['status'], { RIPCORD_CONFIG: '', APP_DIR: '', HOME: empty, PWD: empty });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ripcord demo/);
  assert.match(r.stderr, /ripcord init/);
});
