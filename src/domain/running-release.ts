/**
 * Which release runs, told from the host's containers rather than from its checkout: after an
 * interrupted deploy the checkout is the deploy's target while the containers still run the
 * release before it. The journals record the image IDs each release ran with (preflight before a
 * deploy, `up` after it, a rollback's start); the release whose recorded images are exactly what
 * runs now is the one that runs. Pure.
 */
import type { JournalFacts } from './journal-facts.js';
import { NEW_IMAGES_FACT } from './release-history.js';

/** A release and the image IDs recorded for it, by service. */
export interface RecordedImages {
  sha: string;
  images: Readonly<Record<string, string>>;
}

/** Every recorded service runs, on the recorded image ID (a release with no record never matches). */
function runsNow(recorded: RecordedImages, running: Readonly<Record<string, string>>): boolean {
  const services = Object.entries(recorded.images);
  return services.length > 0 && services.every(([service, imageId]) => running[service] === imageId);
}

/**
 * The SHA of the release whose recorded images run now, or null when none matches. `checkout`
 * wins when it matches (two releases may share images); otherwise the first match in `recorded`
 * (give them newest first).
 */
export function runningRelease(recorded: readonly RecordedImages[], running: Readonly<Record<string, string>>, checkout: string): string | null {
  const matches = recorded.filter((r) => runsNow(r, running));
  return matches.find((r) => r.sha === checkout)?.sha ?? matches[0]?.sha ?? null;
}

const isImageRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * What the journals recorded, newest operation first: the release before each operation with the
 * images preflight found, and its target with the images its `up` (or a rollback's start) left,
 * when that step got so far.
 */
export function recordedImagesOf(journals: readonly JournalFacts[]): RecordedImages[] {
  const newest = [...journals].sort((a, b) => b.header.startedAt.localeCompare(a.header.startedAt));
  return newest.flatMap((f) => {
    const after = f.facts[NEW_IMAGES_FACT];
    return [
      ...(f.targetSha && isImageRecord(after) ? [{ sha: f.targetSha, images: after }] : []),
      ...(f.previousSha ? [{ sha: f.previousSha, images: f.previousImages }] : []),
    ];
  });
}
