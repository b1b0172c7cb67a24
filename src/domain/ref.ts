/**
 * Git ref validation. A ref arrives from Slack or a terminal and ends up as a git argument, so it is
 * checked here, before any git command runs: anything that could be read as an option, a path
 * escape, a revision expression or shell syntax is refused with the fix. Git itself receives only
 * refs that passed, always after `--end-of-options`, and only ever with a `^{commit}` suffix that
 * Ripcord adds itself (see {@link commitSpec}).
 */
import { BadInputError } from './errors.js';

const MAX_REF_LENGTH = 255;
const FIX = 'use a tag, branch or SHA such as v1.0.4';

/**
 * Characters that mean something to a shell or to git's revision syntax (`^`, `~`, `:`, `@{`,
 * globs). No real release name needs them; refusing them keeps a ref from ever being more than a name.
 */
const FORBIDDEN_CHARS = ';|&$`<>(){}*?[]!\\\'"~^:';

/** Control, format (bidi overrides, zero-width) and space characters, which hide what a ref says. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s]/u;

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The ref as people see it in an error: quoted, escaped, and short enough for a Slack line. */
function shown(ref: string): string {
  const quoted = JSON.stringify(ref.length > 80 ? `${ref.slice(0, 80)}…` : ref);
  // JSON.stringify leaves bidi/format characters raw; escape them so the message cannot be spoofed.
  return quoted.replace(/[\p{Cf}\p{Z}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The first reason `ref` is not acceptable, or null when it is. Pure, for forms that validate as people type. */
export function refProblem(ref: string): string | null {
  if (ref.length === 0) return 'is empty';
  if (ref.length > MAX_REF_LENGTH) return `is longer than ${MAX_REF_LENGTH} characters`;
  if (INVISIBLE.test(ref)) return 'contains whitespace or control characters';
  if (ref.startsWith('-')) return 'starts with "-", which git would read as an option';
  if (ref.includes('..')) return 'contains "..", which is a range or a path escape, not a release';
  if (ref.includes('@{')) return 'contains "@{", which is git revision syntax, not a release';
  const bad = [...ref].find((c) => FORBIDDEN_CHARS.includes(c));
  if (bad !== undefined) return `contains "${bad}", which is not allowed in a release ref`;
  if (ref.endsWith('.lock')) return 'ends with ".lock", which git reserves';
  if (ref.endsWith('/') || ref.startsWith('/') || ref.includes('//')) return 'has an empty path component ("/" at an end or "//")';
  if (ref.endsWith('.')) return 'ends with "."';
  if (ref.split('/').some((part) => part.startsWith('.'))) return 'has a path component starting with "."';
  return null;
}

/**
 * Returns `ref` unchanged when it is a safe tag, branch or SHA; throws {@link BadInputError}
 * (exit code 2, nothing changed) naming the problem and the fix otherwise. Never trims: a ref with
 * surrounding spaces is refused rather than silently reinterpreted.
 */
export function validateRef(ref: string): string {
  const problem = refProblem(ref);
  if (problem !== null) throw new BadInputError(`ref ${shown(ref)} ${problem}`, FIX);
  return ref;
}

/** `ref^{commit}` for `git rev-parse --verify`: the only place a `^` ever reaches git, added by us after validation. */
export function commitSpec(ref: string): string {
  return `${validateRef(ref)}^{commit}`;
}

/** True for a full commit ID (40 hex for SHA-1 repositories, 64 for SHA-256), lowercase as git prints it. */
export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value);
}

/** Throws {@link BadInputError} unless `value` is a full commit ID: checkouts and resets only ever take resolved SHAs. */
export function assertFullSha(value: string, what = 'commit'): string {
  if (!isFullSha(value)) {
    throw new BadInputError(`${what} ${shown(value)} is not a full commit SHA`, 'resolve the ref first (`ripcord deploy --dry-run REF` shows the SHA), then use the 40-character SHA');
  }
  return value;
}

/**
 * The 7-character form people recognise from `git log --oneline`; 12 where a SHA is kept as a
 * ref (reports, status) and must stay unambiguous as the repository grows.
 */
export function shortSha(sha: string, length: 7 | 12 = 7): string {
  return sha.slice(0, length);
}
