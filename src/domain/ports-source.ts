/**
 * The `SourceRepository` port: what the executor and the bot need from the app's git checkout.
 * src/adapters/simple-git-repository.ts implements it; tests and `--dry-run` may fake it.
 */

/** One commit, as shown in a dry-run or a Slack confirmation. */
export interface Commit {
  sha: string;
  subject: string;
  author: string;
  /** Author date, ISO 8601 with offset. */
  date: string;
}

/** A file that differs between two commits (renames appear as a deletion plus an addition). */
export interface FileChange {
  path: string;
  change: 'added' | 'modified' | 'deleted';
}

/** A tag and the commit it points at: what people pick from when they deploy or roll back. */
export interface Release {
  tag: string;
  sha: string;
  /** Tagger date for annotated tags, committer date for lightweight ones; ISO 8601. */
  date: string;
}

/**
 * The app's checkout on the host. Every method that takes a ref validates it (src/domain/ref.ts)
 * before any git command runs; methods that change the worktree take only full SHAs.
 */
export interface SourceRepository {
  /** The SHA HEAD points at; throws when the checkout has no commit yet. */
  currentSha(): Promise<string>;
  /** Fetches branches and tags from `remote`, updating moved tags and pruning deleted branches. */
  fetch(remote?: string): Promise<void>;
  /**
   * The commit SHA `ref` names: a tag first, then the remote's branch of that name (never a stale
   * local branch), then anything git resolves (a SHA). Throws BadInputError for an unsafe ref and
   * a `not_found` RipcordError (exit 2) for one that does not exist.
   */
  resolve(ref: string): Promise<string>;
  /** Makes the worktree exactly `sha` (a full SHA), detached; untracked and ignored files such as `.env` survive. */
  checkout(sha: string): Promise<void>;
  /** True when no tracked file is modified or staged (untracked files do not count: checkout leaves them alone). */
  isClean(): Promise<boolean>;
  /** Commits reachable from `to` but not from `from`, newest first. */
  commitsBetween(from: string, to: string): Promise<Commit[]>;
  /** Files under `pathPrefix` that differ between the two commits (e.g. pending migrations). */
  filesChangedBetween(from: string, to: string, pathPrefix: string): Promise<FileChange[]>;
  /** The content of `path` (relative to the checkout's root) in commit `sha`; null when the commit has no such file. */
  fileAt(sha: string, path: string): Promise<string | null>;
  /** Tags whose commit is `sha`. */
  tagsPointingAt(sha: string): Promise<string[]>;
  /** The `n` newest tags that point at commits, newest first. */
  recentReleases(n: number): Promise<Release[]>;
}
