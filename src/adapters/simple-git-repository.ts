/**
 * The app checkout on the deploy host, through simple-git (the `SourceRepository` port).
 *
 * Safety: every ref is validated (src/domain/ref.ts) before any git command runs and reaches git
 * only after `--end-of-options` (or as a validated full SHA); simple-git additionally refuses
 * options such as `--upload-pack`.
 *
 * Checkout is `git checkout --force --detach <sha>`, not the old script's `git reset --hard`: the
 * worktree ends up identical (tracked files forced to the commit, untracked and ignored files such as
 * `.env` and uploads left alone, no `git clean` ever), but no branch is moved, so the host never has
 * a `main` that points at an old release and `git status` says exactly which commit is deployed.
 */
import { simpleGit, type SimpleGit } from 'simple-git';
import type { EnvironmentConfig } from '../config/schema.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import type { Commit, FileChange, Release, SourceRepository } from '../domain/ports-source.js';
import { assertFullSha, commitSpec, validateRef } from '../domain/ref.js';

export interface SimpleGitRepositoryOptions {
  /** The remote releases come from (environment `remote`), default origin. */
  remote?: string;
  /** Kill a git command silent for this long (fetches of big repositories print progress). */
  timeoutMs?: number;
}

const FIELD = '\x1f';
const RECORD = '\x1e';
const CHANGE: Readonly<Record<string, FileChange['change']>> = { A: 'added', M: 'modified', D: 'deleted', T: 'modified' };

export class SimpleGitRepository implements SourceRepository {
  private readonly git: SimpleGit;
  private readonly remote: string;

  constructor(private readonly dir: string, options: SimpleGitRepositoryOptions = {}) {
    this.remote = validateRef(options.remote ?? 'origin');
    const { env, allowEnvironment, unsafe } = gitEnvironment(process.env);
    this.git = simpleGit({ baseDir: dir, maxConcurrentProcesses: 1, timeout: { block: options.timeoutMs ?? 300_000 }, allowEnvironment, unsafe }).env(env);
  }

  static forEnvironment(env: Pick<EnvironmentConfig, 'appDir' | 'remote'>): SimpleGitRepository {
    return new SimpleGitRepository(env.appDir, { remote: env.remote });
  }

  async currentSha(): Promise<string> {
    const sha = (await this.run('rev-parse', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
    if (!sha) throw new RipcordError('precondition_failed', `${this.dir} has no commit checked out`, `clone the app into ${this.dir} and check out a release first`);
    return sha;
  }

  async fetch(remote: string = this.remote): Promise<void> {
    // --tags --force: a tag moved on the remote moves here too (git ≥ 2.20 refuses otherwise).
    // --prune removes deleted branches; tags are not pruned, since a local tag may be the only
    // name left for a release that is running or that someone may roll back to.
    await this.run('fetch', ['fetch', '--prune', '--tags', '--force', '--end-of-options', validateRef(remote)]);
  }

  async resolve(ref: string): Promise<string> {
    validateRef(ref);
    // A tag first; then the remote's branch, because a local branch of the same name is whatever
    // the host had when it was cloned; then anything else git resolves (a SHA, `origin/main`).
    for (const name of [`refs/tags/${ref}`, `refs/remotes/${this.remote}/${ref}`, ref]) {
      const sha = (await this.run('rev-parse', ['rev-parse', '--verify', '--quiet', '--end-of-options', commitSpec(name)])).trim();
      if (sha) return sha;
    }
    throw new RipcordError('not_found', `ref "${ref}" is not a tag, branch or commit of ${this.remote}`,
      `check the name (\`git ls-remote --tags ${this.remote}\` lists tags), or use a full SHA if a short one is ambiguous`, ExitCode.refused);
  }

  async checkout(sha: string): Promise<void> {
    await this.run('checkout', ['checkout', '--force', '--detach', assertFullSha(sha)]);
    const now = await this.currentSha();
    if (now !== sha) throw new RipcordError('precondition_failed', `checkout left HEAD at ${now}, expected ${sha}`, `run \`git -C ${this.dir} checkout --force --detach ${sha}\` by hand to see why`);
  }

  async isClean(): Promise<boolean> {
    return (await this.run('status', ['status', '--porcelain=v1', '--untracked-files=no'])).trim() === '';
  }

  async commitsBetween(from: string, to: string): Promise<Commit[]> {
    const format = ['%H', '%s', '%an', '%aI'].join('%x1f') + '%x1e';
    const out = await this.run('log', ['log', '--no-color', `--format=${format}`, '--end-of-options', `${validateRef(from)}..${validateRef(to)}`, '--']);
    return out.split(RECORD).map((r) => r.trim()).filter(Boolean).map((r) => {
      const [sha = '', subject = '', author = '', date = ''] = r.split(FIELD);
      return { sha, subject, author, date };
    });
  }

  async filesChangedBetween(from: string, to: string, pathPrefix: string): Promise<FileChange[]> {
    const out = await this.run('diff', ['diff', '--name-status', '-z', '--no-renames', '--end-of-options', validateRef(from), validateRef(to), '--', pathPrefix || '.']);
    const parts = out.split('\0');
    const changes: FileChange[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const status = parts[i]!.charAt(0);
      changes.push({ path: parts[i + 1]!, change: CHANGE[status] ?? 'modified' });
    }
    return changes;
  }

  async fileAt(sha: string, path: string): Promise<string | null> {
    // `cat-file -e` first: a missing file is an answer (null), any other failure an error.
    const spec = `${assertFullSha(sha)}:${path}`;
    const exists = await this.git.raw(['cat-file', '-e', spec]).then(() => true, () => false);
    return exists ? this.run('show', ['show', '--no-color', spec]) : null;
  }

  async tagsPointingAt(sha: string): Promise<string[]> {
    const out = await this.run('tag', ['tag', '--list', '--sort=-creatordate', `--points-at=${validateRef(sha)}`]);
    return out.split('\n').map((t) => t.trim()).filter(Boolean);
  }

  async recentReleases(n: number): Promise<Release[]> {
    const format = ['%(refname:lstrip=2)', '%(objecttype)', '%(objectname)', '%(*objecttype)', '%(*objectname)', '%(creatordate:iso-strict)'].join('%09');
    const out = await this.run('for-each-ref', ['for-each-ref', '--sort=-creatordate', `--format=${format}`, 'refs/tags']);
    const releases: Release[] = [];
    for (const line of out.split('\n')) {
      const [tag, type, sha, peeledType, peeledSha, date] = line.split('\t');
      if (!tag || !date) continue;
      // Lightweight tags name the commit; annotated ones name a tag object that peels to it.
      if (type === 'commit' && sha) releases.push({ tag, sha, date });
      else if (peeledType === 'commit' && peeledSha) releases.push({ tag, sha: peeledSha, date });
      if (releases.length >= n) break;
    }
    return releases;
  }

  private async run(op: string, args: string[]): Promise<string> {
    try {
      return await this.git.raw(args);
    } catch (error) {
      throw gitFailed(op, this.dir, this.remote, error);
    }
  }
}

/** Ambient variables a deploy host legitimately sets for git's transport (a deploy key, a private CA). */
const TRANSPORT_VARS = ['GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH'];
/** Variables simple-git guards besides GIT_*: editors, pagers, askpass programs. None is needed here. */
const GUARDED = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

/**
 * The environment git runs with. simple-git refuses guarded variables (GIT_*, EDITOR, PAGER…) that
 * are passed explicitly, because they can run programs; so the ambient environment is passed
 * without them, except the transport settings an operator sets for fetching, plus our own:
 * no terminal prompt (a deploy host has nobody to answer), English messages (matched in
 * {@link gitFailed}), literal pathspecs (a prefix is never a glob).
 */
function gitEnvironment(ambient: NodeJS.ProcessEnv) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(ambient)) {
    const lower = key.toLowerCase();
    if (value === undefined || GUARDED.has(lower)) continue;
    if (lower.startsWith('git_') && !TRANSPORT_VARS.includes(key)) continue;
    env[key] = value;
  }
  Object.assign(env, { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_LITERAL_PATHSPECS: '1' });
  const allowEnvironment = ['GIT_TERMINAL_PROMPT', 'GIT_LITERAL_PATHSPECS', ...TRANSPORT_VARS.filter((k) => k in env)];
  // The SSH command comes from the operator's service environment, not from a request.
  const unsafe = { allowUnsafeSshCommand: 'GIT_SSH_COMMAND' in env || 'GIT_SSH' in env };
  return { env, allowEnvironment, unsafe };
}

/** A git failure as a RipcordError whose fix matches the usual causes on a deploy host. */
function gitFailed(op: string, dir: string, remote: string, error: unknown): RipcordError {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith('fatal:') || l.startsWith('error:')) ?? text.split('\n')[0] ?? '';
  let fix = `run \`git -C ${dir} ${op}\` by hand to see the whole error`;
  if (/dubious ownership/.test(text)) fix = `run \`git config --global --add safe.directory ${dir}\` as the user Ripcord runs as, or give that user ownership of ${dir}`;
  else if (/not a git repository/.test(text)) fix = `clone the app into ${dir} (appDir in ripcord.yml must be a git checkout)`;
  else if (op === 'fetch') fix = `check this host can reach ${remote} (network, SSH key or token): \`git -C ${dir} fetch ${remote}\``;
  return new RipcordError('unavailable', `git ${op} failed in ${dir}: ${line}`, fix, ExitCode.failed, { cause: error });
}
