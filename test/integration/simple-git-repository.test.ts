import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SimpleGitRepository } from '../../src/adapters/simple-git-repository.js';
import { BadInputError, ExitCode, RipcordError } from '../../src/domain/errors.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-git-'));
after(() => rmSync(root, { recursive: true, force: true }));

const origin = join(root, 'origin.git');
const dev = join(root, 'dev');
const host = join(root, 'host');
let day = 0;

function git(cwd: string, ...args: string[]): string {
  // Fixed, increasing dates so "newest first" is deterministic.
  const date = `2026-11-${String(++day).padStart(2, '0')}T10:00:00Z`;
  return execFileSync('git', args, {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@example.com', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  }).trim();
}

function commit(files: Record<string, string>, subject: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dev, path)), { recursive: true });
    writeFileSync(join(dev, path), text);
  }
  git(dev, 'add', '-A');
  git(dev, 'commit', '-q', '-m', subject);
  return git(dev, 'rev-parse', 'HEAD');
}

const shas: Record<string, string> = {};

before(() => {
  git(root, 'init', '-q', '--bare', '-b', 'main', origin);
  git(root, 'clone', '-q', origin, dev);
  git(dev, 'checkout', '-q', '-b', 'main');
  shas.v1 = commit({ '.gitignore': '.env\n', 'app.py': 'v1\n', 'app/migrations/0001_initial.py': '#\n' }, 'Initial release');
  git(dev, 'tag', 'v1.0.0');
  git(dev, 'push', '-q', 'origin', 'main', '--tags');
  git(root, 'clone', '-q', origin, host);
  shas.v2 = commit({ 'app.py': 'v2\n', 'app/migrations/0002_invoice.py': '#\n', 'README.md': 'docs\n' }, 'Add invoices');
  git(dev, 'tag', '-a', 'v1.1.0', '-m', 'Release 1.1.0');
  shas.v3 = commit({ 'app.py': 'v3\n', 'app/migrations/0001_initial.py': '# changed\n' }, 'Tweak initial migration');
  git(dev, 'tag', 'release/2026-11');
  git(dev, 'push', '-q', 'origin', 'main', '--tags');
});

describe('SimpleGitRepository', () => {
  const repo = () => new SimpleGitRepository(host, { remote: 'origin' });

  test('currentSha is HEAD', async () => {
    assert.equal(await repo().currentSha(), shas.v1);
  });

  test('fetch brings new tags and branches; resolve prefers tags, then the remote branch over a stale local one', async () => {
    await assert.rejects(repo().resolve('v1.1.0'), (e: unknown) => e instanceof RipcordError && e.code === 'not_found' && e.exitCode === ExitCode.refused);
    await repo().fetch();
    assert.equal(await repo().resolve('v1.1.0'), shas.v2, 'an annotated tag resolves to its commit');
    assert.equal(await repo().resolve('release/2026-11'), shas.v3);
    // The host's local main is still at v1; deploying "main" means the remote's main.
    assert.equal(git(host, 'rev-parse', 'refs/heads/main'), shas.v1);
    assert.equal(await repo().resolve('main'), shas.v3);
    assert.equal(await repo().resolve(shas.v2!), shas.v2);
    assert.equal(await repo().resolve(shas.v2!.slice(0, 10)), shas.v2);
    assert.equal(await repo().resolve('origin/main'), shas.v3);
  });

  test('a moved tag is updated by fetch', async () => {
    git(dev, 'tag', '-f', 'v1.0.0', shas.v2!);
    git(dev, 'push', '-q', '-f', 'origin', 'refs/tags/v1.0.0');
    await repo().fetch();
    assert.equal(await repo().resolve('v1.0.0'), shas.v2);
    git(dev, 'tag', '-f', 'v1.0.0', shas.v1!);
    git(dev, 'push', '-q', '-f', 'origin', 'refs/tags/v1.0.0');
    await repo().fetch();
    assert.equal(await repo().resolve('v1.0.0'), shas.v1);
  });

  test('unknown refs are not_found with the fix; unsafe refs are refused before any git command', async () => {
    await assert.rejects(repo().resolve('v9.9.9'), /not a tag, branch or commit of origin/);
    // An empty directory is not a git repository: had git run, the error would say so.
    const notRepo = mkdtempSync(join(root, 'empty-'));
    const r = new SimpleGitRepository(notRepo);
    for (const ref of ['v1.0.0;rm -rf /', '--upload-pack=x', '../../etc']) {
      await assert.rejects(r.resolve(ref), (e: unknown) => e instanceof BadInputError && e.exitCode === ExitCode.refused, ref);
    }
    await assert.rejects(r.currentSha(), (e: unknown) => e instanceof RipcordError && e.code === 'unavailable' && /clone the app/.test(e.fix));
  });

  test('checkout detaches at the SHA, resets tracked files, keeps .env and untracked files, moves no branch', async () => {
    writeFileSync(join(host, '.env'), 'SECRET=1\n');
    writeFileSync(join(host, 'uploads.txt'), 'user data\n');
    writeFileSync(join(host, 'app.py'), 'hand edit\n');
    assert.equal(await repo().isClean(), false);
    await repo().checkout(shas.v3!);
    assert.equal(await repo().currentSha(), shas.v3);
    assert.equal(readFileSync(join(host, 'app.py'), 'utf8'), 'v3\n');
    assert.equal(readFileSync(join(host, '.env'), 'utf8'), 'SECRET=1\n');
    assert.ok(existsSync(join(host, 'uploads.txt')));
    assert.equal(await repo().isClean(), true, 'untracked files do not make the checkout dirty');
    assert.equal(git(host, 'rev-parse', 'refs/heads/main'), shas.v1);
    assert.equal(git(host, 'rev-parse', '--abbrev-ref', 'HEAD'), 'HEAD', 'HEAD is detached');
  });

  test('checkout back to the old release (a rollback) and refusal of anything but a full SHA', async () => {
    await repo().checkout(shas.v1!);
    assert.equal(readFileSync(join(host, 'app.py'), 'utf8'), 'v1\n');
    assert.ok(!existsSync(join(host, 'app/migrations/0002_invoice.py')), 'files of the newer release are gone');
    await assert.rejects(repo().checkout('v1.1.0'), BadInputError);
    await assert.rejects(repo().checkout('--orphan'), BadInputError);
  });

  test('commitsBetween lists what a deploy brings, newest first', async () => {
    const commits = await repo().commitsBetween(shas.v1!, shas.v3!);
    assert.deepEqual(commits.map((c) => c.subject), ['Tweak initial migration', 'Add invoices']);
    assert.equal(commits[0]!.sha, shas.v3);
    assert.equal(commits[0]!.author, 'Alice');
    assert.match(commits[0]!.date, /^2026-11-\d\dT10:00:00(Z|\+00:00)$/);
    assert.deepEqual(await repo().commitsBetween(shas.v3!, shas.v1!), []);
  });

  test('filesChangedBetween lists pending migrations under a prefix', async () => {
    assert.deepEqual(await repo().filesChangedBetween(shas.v1!, shas.v3!, 'app/migrations'), [
      { path: 'app/migrations/0001_initial.py', change: 'modified' },
      { path: 'app/migrations/0002_invoice.py', change: 'added' },
    ]);
    assert.deepEqual(await repo().filesChangedBetween(shas.v3!, shas.v1!, 'app/migrations/'), [
      { path: 'app/migrations/0001_initial.py', change: 'modified' },
      { path: 'app/migrations/0002_invoice.py', change: 'deleted' },
    ]);
    // Pathspecs are literal: a glob matches nothing.
    assert.deepEqual(await repo().filesChangedBetween(shas.v1!, shas.v3!, 'app/*'), []);
  });

  test('fileAt reads a file as a commit has it; null when that commit has none', async () => {
    await repo().fetch();
    assert.equal(await repo().fileAt(shas.v1!, 'app.py'), 'v1\n');
    assert.equal(await repo().fileAt(shas.v3!, 'app.py'), 'v3\n');
    assert.equal(await repo().fileAt(shas.v1!, 'app/migrations/0002_invoice.py'), null);
    await assert.rejects(repo().fileAt('v1.0.0', 'app.py'), /not a full commit SHA/);
  });

  test('tagsPointingAt and recentReleases', async () => {
    assert.deepEqual(await repo().tagsPointingAt(shas.v2!), ['v1.1.0']);
    assert.deepEqual(await repo().tagsPointingAt(shas.v3!), ['release/2026-11']);
    const releases = await repo().recentReleases(10);
    assert.deepEqual(releases.map((r) => [r.tag, r.sha]), [['release/2026-11', shas.v3], ['v1.1.0', shas.v2], ['v1.0.0', shas.v1]]);
    assert.equal((await repo().recentReleases(2)).length, 2);
  });
});
