/**
 * From Slack text to an operation request, pure: `/deploy REF [ENV]` and `/status [ENV]` arguments,
 * the value the Deploy button carries (which preview was confirmed: environment, ref, both SHAs,
 * when), and the request ID derived from it — the same preview confirmed twice (a double click,
 * two people) is the same request ID, so the queue starts one operation.
 */
import { createHash } from 'node:crypto';
import { BadInputError } from '../domain/errors.js';
import { refProblem } from '../domain/ref.js';

export { PREVIEW_VALID_MS } from './preview-freshness.js';

export interface ConfirmedPreview { environment: string; ref: string; fromSha: string | null; toSha: string; previewedAt: number }

export function encodeConfirm(p: ConfirmedPreview): string {
  return JSON.stringify({ e: p.environment, r: p.ref, f: p.fromSha, t: p.toSha, at: p.previewedAt });
}

export function decodeConfirm(value: string | undefined): ConfirmedPreview {
  try {
    const v = JSON.parse(value ?? '') as { e?: unknown; r?: unknown; f?: unknown; t?: unknown; at?: unknown };
    if (typeof v.e === 'string' && typeof v.r === 'string' && typeof v.t === 'string' && typeof v.at === 'number' && (v.f === null || typeof v.f === 'string')) {
      return { environment: v.e, ref: v.r, fromSha: v.f, toSha: v.t, previewedAt: v.at };
    }
  } catch { /* reported below */ }
  throw new BadInputError('this button does not carry a deploy preview Ripcord made', 'ask for a fresh preview with `/deploy REF ENV`');
}

/** One request ID per preview: `slack-deploy-<env>-<hash of what was previewed>`. */
export function deployRequestId(p: ConfirmedPreview): string {
  const digest = createHash('sha256').update([p.environment, p.ref, p.fromSha ?? '', p.toSha, String(p.previewedAt)].join('\n')).digest('hex');
  return `slack-deploy-${p.environment}-${digest.slice(0, 24)}`;
}

/** The environment a command names, or the only one; otherwise a clear error naming them. */
export function pickEnvironment(named: string | undefined, environments: readonly string[], example: string): string {
  if (named !== undefined) {
    if (environments.includes(named)) return named;
    throw new BadInputError(`there is no environment "${named}"`, `use one of: ${environments.join(', ')} — e.g. \`${example.replace('ENV', environments[0] ?? 'production')}\``);
  }
  if (environments.length === 1) return environments[0] as string;
  throw new BadInputError('name the environment', `one of: ${environments.join(', ')} — e.g. \`${example.replace('ENV', environments[0] ?? 'production')}\``);
}

/** `/deploy` text: "" (list releases), "ENV" (list releases there), "REF", "REF ENV". */
export function parseDeployText(text: string, environments: readonly string[]): { ref: string | null; environment: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length > 2) throw new BadInputError(`too many words: "${text.trim()}"`, 'write `/deploy REF ENV`, e.g. `/deploy v1.2.0 production`');
  const [first, second] = words;
  if (first === undefined) return { ref: null, environment: pickEnvironment(undefined, environments, '/deploy v1.2.0 ENV') };
  if (second === undefined && environments.includes(first)) return { ref: null, environment: first };
  const problem = refProblem(first);
  if (problem) throw new BadInputError(`"${first}" ${problem}`, 'name a release tag, branch or commit SHA; `/deploy` alone lists the newest tags');
  return { ref: first, environment: pickEnvironment(second, environments, `/deploy ${first} ENV`) };
}
