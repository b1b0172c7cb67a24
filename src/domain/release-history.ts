/**
 * Which releases ran on an environment, from its journals alone: what a rollback may go back to.
 * A release is offered only when it really ran — it was live before a deploy that got past
 * preflight, a deploy of it succeeded, or a rollback to it passed its checks. A deploy refused by
 * the lock or rolled back never made its target live, so that target is never offered (shipit #274).
 */
import type { JournalFacts } from './journal-facts.js';

/** Fact key: service → image name (tag) the containers ran, recorded by preflight. */
export const IMAGE_NAMES_FACT = 'previousImageNames';
/** Fact key: service → image ID `up` (or a rollback's start) left running. */
export const NEW_IMAGES_FACT = 'newImages';

/** One change of the live release: an operation that finished with `to` live after `from`. */
export interface ReleaseChange {
  operationId: string;
  kind: 'deploy' | 'rollback';
  from: string;
  to: string;
  /** When `to` became live. */
  at: string;
  /** The images that ran `from` (the preflight record), by service. */
  fromImages: Readonly<Record<string, string>>;
  /** The dump taken just before the change, when there was one. */
  preDeployBackup: string | null;
  /** True when the change ended in a failure state (auto-rollback off, or the rollback failed). */
  unhealthy: boolean;
}

/** A release that ran: offered as a rollback target. */
export interface KnownRelease {
  sha: string;
  ref: string | null;
  /** When it last became live, when known (the release Ripcord found running has no such time). */
  liveSince: string | null;
  /** When it stopped being live; null while it is the live release. */
  liveUntil: string | null;
  /** The image IDs it last ran with, by service ({} when none were recorded). */
  images: Readonly<Record<string, string>>;
  /** The image names (tags) those IDs go back under, by service. */
  imageNames: Readonly<Record<string, string>>;
}

export interface ReleaseHistory {
  /** Oldest first. */
  changes: readonly ReleaseChange[];
  /** Newest (most recently live) first; the live release included. */
  releases: readonly KnownRelease[];
}

const record = (v: unknown): Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string') ? (v as Record<string, string>) : {};

/** The release an operation left live, when it changed it; null when the live release stayed. */
function changeOf(f: JournalFacts): ReleaseChange | null {
  const { header } = f;
  const from = f.previousSha;
  const to = f.targetSha;
  if (!from || !to || from === to) return null;
  const moved = header.kind === 'deploy'
    ? f.state === 'succeeded' || f.state === 'failed' || f.state === 'rollback_failed'
    : f.state === 'rolled_back' || f.state === 'rollback_failed';
  if (!moved) return null;
  // A deploy whose rollback failed may have its code back or not: the journal's last git step says.
  const lastReset = f.steps.findLast((s) => s.step === 'git_reset' && s.outcome === 'ok');
  if (header.kind === 'deploy' && f.state === 'rollback_failed' && lastReset) return null;
  return {
    operationId: header.id, kind: header.kind, from, to, at: f.lastAt,
    fromImages: f.previousImages, preDeployBackup: f.preDeployBackup,
    unhealthy: f.state !== 'succeeded' && f.state !== 'rolled_back',
  };
}

/** Builds the history from every journal of one environment, in any order. */
export function releaseHistory(journals: readonly JournalFacts[]): ReleaseHistory {
  const ordered = [...journals].sort((a, b) => a.header.startedAt.localeCompare(b.header.startedAt));
  const changes: ReleaseChange[] = [];
  const bySha = new Map<string, KnownRelease>();
  const note = (sha: string, patch: Partial<KnownRelease>) => {
    const known = bySha.get(sha) ?? { sha, ref: null, liveSince: null, liveUntil: null, images: {}, imageNames: {} };
    bySha.delete(sha); // re-insert, so the map keeps the order in which releases were last live
    bySha.set(sha, { ...known, ...patch });
  };
  for (const f of ordered) {
    const started = f.stagesStarted.length > 0 || f.header.kind === 'rollback';
    if (!started || f.state === 'refused' || !f.previousSha) continue;
    const names = record(f.facts[IMAGE_NAMES_FACT]);
    // What ran before the operation ran successfully enough to be live: it is a known release.
    note(f.previousSha, { images: f.previousImages, imageNames: names, liveUntil: f.header.startedAt });
    const change = changeOf(f);
    if (change) changes.push(change);
    if (change && !change.unhealthy && f.targetSha) {
      note(f.targetSha, { ref: f.header.ref, liveSince: change.at, liveUntil: null, images: record(f.facts[NEW_IMAGES_FACT]), imageNames: names });
    } else if (!change) {
      note(f.previousSha, { liveUntil: null });
    }
  }
  const unhealthyLive = changes.at(-1)?.unhealthy ? changes.at(-1)?.to : undefined;
  const releases = [...bySha.values()].reverse().filter((r) => r.sha !== unhealthyLive);
  return { changes, releases };
}

/**
 * The release to go back to from `currentSha`: the one that was live before the newest change
 * that made `currentSha` live. Null when no such change is known.
 */
export function previousRelease(history: ReleaseHistory, currentSha: string): { release: KnownRelease; change: ReleaseChange } | null {
  const change = history.changes.findLast((c) => c.to === currentSha);
  if (!change) return null;
  const release = history.releases.find((r) => r.sha === change.from);
  return release ? { release, change } : null;
}

/** The release with this SHA, when it ran. */
export function knownRelease(history: ReleaseHistory, sha: string): KnownRelease | null {
  return history.releases.find((r) => r.sha === sha) ?? null;
}
