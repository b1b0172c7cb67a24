/**
 * Whether a preview a person confirms still describes what would run, pure: it is young enough
 * (PREVIEW_VALID_MS) and the environment still runs the release it showed as current — a deploy
 * or rollback in between (from Slack, the CLI or a schedule) makes every "from → to" wrong. Deploy,
 * rollback and restore confirms all ask this before submitting; a stale one is answered with why
 * and a button for a fresh preview (messages/fresh-preview.ts).
 */
import { shortSha } from '../domain/ref.js';

/** How long a preview may be confirmed: after that the plan may no longer hold. */
export const PREVIEW_VALID_MS = 5 * 60 * 1000;

export interface ShownPreview {
  environment: string;
  /** The live release the preview showed (null: nothing was deployed yet). */
  fromSha: string | null;
  previewedAt: number;
}

/** Why this preview is too old to be confirmed, or null. Asked once per confirm; the live SHA is asked apart (changedSince), only when it would run now. */
export function tooOld(p: ShownPreview, now: number): string | null {
  if (now - p.previewedAt <= PREVIEW_VALID_MS) return null;
  return `this preview is ${Math.round((now - p.previewedAt) / 60_000)} minutes old; the plan may no longer hold`;
}

/** Why the environment no longer runs the release a preview showed, or null (an approval's check: its age is the approval's). */
export function changedSince(environment: string, fromSha: string | null, currentSha: string | null): string | null {
  if (currentSha === fromSha) return null;
  const was = fromSha ? shortSha(fromSha) : 'nothing';
  const is = currentSha ? shortSha(currentSha) : 'nothing';
  return `${environment} changed since this preview: it ran ${was} then, it runs ${is} now (someone deployed or rolled back in between)`;
}
