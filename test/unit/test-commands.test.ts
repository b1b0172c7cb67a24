/**
 * The test commands test what they say: a tier named on the command line exists, and the CLI the
 * tests start is the source under test, not a compiled dist/ left by an earlier build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RIPCORD_MAIN, ripcordArgv } from '../support/cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('scripts/run-tests.sh', () => {
  // A copy in a temp tree, so the script's `cd` lands where only the tiers made here exist.
  function runIn(tiers: Record<string, string[]>, args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'ripcord-tiers-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      copyFileSync(join(ROOT, 'scripts/run-tests.sh'), join(dir, 'scripts/run-tests.sh'));
      for (const [tier, files] of Object.entries(tiers)) {
        mkdirSync(join(dir, 'test', tier), { recursive: true });
        for (const f of files) copyFileSync(join(ROOT, 'package.json'), join(dir, 'test', tier, f));
      }
      return spawnSync('bash', [join(dir, 'scripts/run-tests.sh'), ...args], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('a tier that does not exist fails the run, naming it, before anything runs', () => {
    const r = runIn({ unit: ['a.test.ts'] }, ['unit', 'e2e']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /test tier 'e2e' does not exist: test\/e2e is missing/);
    assert.doesNotMatch(r.stdout, /== tests/);
  });

  test('a tier without test files fails the run', () => {
    const r = runIn({ unit: ['a.test.ts'], e2e: [] }, ['unit', 'e2e']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /test tier 'e2e' has no \*\.test\.ts files/);
  });
});

test('scripts/test.sh names only tiers that exist', () => {
  const run = /^bash scripts\/run-tests\.sh (.+)$/m.exec(readFileSync(join(ROOT, 'scripts/test.sh'), 'utf8'));
  assert.ok(run, 'scripts/test.sh runs scripts/run-tests.sh');
  const tiers = run[1]!.trim().split(/\s+/);
  assert.ok(tiers.length > 0);
  for (const tier of tiers) assert.ok(existsSync(join(ROOT, 'test', tier)), `test/${tier} exists`);
});

describe('the CLI the tests start', () => {
  test('is src/main.ts through tsx, never bin/ripcord.js (which prefers a stale dist/)', () => {
    const argv = ripcordArgv(['--version']);
    assert.equal(argv[0], process.execPath);
    assert.ok(argv.includes(RIPCORD_MAIN));
    assert.ok(RIPCORD_MAIN.endsWith('/src/main.ts') && existsSync(RIPCORD_MAIN));
    assert.ok(!argv.some((a) => a.includes(join(ROOT, 'bin')) || a.includes(join(ROOT, 'dist'))));
  });

  test('runs from any working directory', () => {
    const [node, ...args] = ripcordArgv(['--help']);
    const r = spawnSync(node!, args, { encoding: 'utf8', cwd: tmpdir() });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /deploy/);
  });
});
