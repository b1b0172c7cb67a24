/**
 * Where `ripcord init --output` writes: a missing directory is made (mode 0700, it will sit beside
 * ripcord.env), and a path that cannot be written is a refusal naming the fix, exit 2, with no
 * stack trace and nothing left behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ripcord, ripcordArgv } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-init-output-'));
after(() => rmSync(root, { recursive: true, force: true }));

const app = join(root, 'app');
mkdirSync(app);
writeFileSync(join(app, 'compose.yaml'), `services:
  db:
    image: postgres:15
    environment: { POSTGRES_DB: shop, POSTGRES_USER: shop }
  web:
    build: .
    ports: ["127.0.0.1:8000:8000"]
`);

const init = (output: string) => ripcord(['init', app, '--yes', '--no-doctor', '--output', output, '--state-dir', join(root, 'state'), '--health-url', 'http://127.0.0.1:8000/health/']);

test('init --output into a directory that does not exist makes it, mode 0700, and writes the file there, mode 0600', async () => {
  const output = join(root, 'etc', 'ripcord', 'ripcord.yml');
  const r = await init(output);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`wrote ${output}`));
  assert.equal(statSync(join(root, 'etc', 'ripcord')).mode & 0o777, 0o700);
  assert.equal(statSync(join(root, 'etc')).mode & 0o777, 0o700);
  assert.equal(statSync(output).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(root, 'etc', 'ripcord')), ['ripcord.yml'], 'no .tmp left beside it');
  const check = await ripcord(['--config', output, 'config', 'check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
});

test('init --output under a file (not a directory) is refused with exit 2 and the fix, no stack trace', async () => {
  writeFileSync(join(root, 'plain-file'), 'x');
  const r = await init(join(root, 'plain-file', 'ripcord', 'ripcord.yml'));
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot create the directory .*plain-file\/ripcord: part of the path is a file, not a directory — pass --output/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('init --output where a leftover .tmp stands is refused naming it, and the .tmp is left to the person', async () => {
  const output = join(root, 'left', 'ripcord.yml');
  mkdirSync(join(root, 'left'));
  writeFileSync(`${output}.tmp`, 'half');
  const r = await init(output);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /ripcord\.yml\.tmp already exists; ripcord init never overwrites — remove it \(an interrupted ripcord init left it\)/);
  assert.equal(existsSync(output), false);
});

test('a write that fails after init made the directories removes them again', async () => {
  // 253 characters: a valid name for the file, one too long for its `.tmp` beside it.
  const output = join(root, 'made', 'by', 'init', `${'r'.repeat(249)}.yml`);
  const r = await init(output);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot write .*\.yml\.tmp: .*name too long/);
  assert.equal(existsSync(join(root, 'made')), false, 'the directories init made are gone');
});

test('init --output in a directory it may not write is refused with exit 2, naming who must create it', async () => {
  // Root may write anywhere: as root, the CLI runs as nobody (the tree made readable for it).
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  chmodSync(root, 0o755);
  const locked = join(root, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  const [node, ...argv] = ripcordArgv(['init', app, '--yes', '--no-doctor', '--output', join(locked, 'ripcord', 'ripcord.yml'), '--state-dir', join(root, 'state'), '--health-url', 'http://127.0.0.1:8000/health/']);
  const r = spawnSync(node!, argv, { encoding: 'utf8', cwd: root, ...asNobody });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot create the directory .*locked\/ripcord: permission denied — create it for the user who runs Ripcord \(`sudo install -d -m 0700 -o \S+ .*locked\/ripcord`\), or pass --output/);
  assert.equal(existsSync(join(locked, 'ripcord')), false);
});
