/**
 * From Slack to a manual rollback request, pure: `/rollback` arguments, the modal's answers, the
 * value the Roll back button carries (which plan was confirmed: environment, choice, both SHAs,
 * the backup, when), and the request ID derived from it — the same preview confirmed twice is one
 * operation in the queue.
 */
import { createHash } from 'node:crypto';
import { BadInputError } from '../domain/errors.js';
import type { ManualRollbackRequest, RollbackLevel } from '../domain/manual-rollback.js';
import { refProblem } from '../domain/ref.js';
import { pickEnvironment } from './deploy-request.js';

export type RollbackCommand =
  | { action: 'modal'; environment: string }
  | { action: 'status'; environment: string | null }
  | { action: 'preview'; environment: string; choice: ManualRollbackRequest }
  | { action: 'help'; problem: string | null };

const KINDS = ['quick', 'commit', 'backup', 'full', 'status', 'help'];

function checkedRef(ref: string): string {
  const problem = refProblem(ref);
  if (problem) throw new BadInputError(`"${ref}" ${problem}`, 'name a release tag or commit SHA; `/rollback` alone opens a picker of the releases that ran');
  return ref;
}

/**
 * `/rollback [ENV]` (the modal), `quick [ENV]`, `commit REF [ENV]`, `backup NAME [ENV]`,
 * `full REF [NAME] [ENV]`, `status [ENV]`, `help`. A trailing word that names an environment is the
 * environment; anything unknown is answered with the usage text.
 */
export function parseRollbackText(text: string, environments: readonly string[]): RollbackCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const envOf = (word: string | undefined, example: string) => pickEnvironment(word, environments, example);
  const [first, ...rest] = words;
  if (first === undefined) return { action: 'modal', environment: envOf(undefined, '/rollback ENV') };
  if (!KINDS.includes(first)) {
    if (words.length === 1 && environments.includes(first)) return { action: 'modal', environment: first };
    return { action: 'help', problem: `"${first}" is not a rollback kind${environments.length ? ` or an environment (${environments.join(', ')})` : ''}` };
  }
  const tooMany = (max: number) => {
    if (rest.length > max) throw new BadInputError(`too many words after \`${first}\`: "${rest.join(' ')}"`, 'see `/rollback help`');
  };
  switch (first) {
    case 'help': return { action: 'help', problem: null };
    case 'status': tooMany(1); return { action: 'status', environment: rest[0] === undefined ? null : envOf(rest[0], '/rollback status ENV') };
    case 'quick': tooMany(1); return { action: 'preview', environment: envOf(rest[0], '/rollback quick ENV'), choice: { kind: 'quick', database: 'auto' } };
    case 'commit': {
      tooMany(2);
      if (!rest[0]) throw new BadInputError('`/rollback commit` needs a release', 'e.g. `/rollback commit v1.0.0`; `/rollback` alone opens a picker of the releases that ran');
      return { action: 'preview', environment: envOf(rest[1], `/rollback commit ${rest[0]} ENV`), choice: { kind: 'commit', level: 1, ref: checkedRef(rest[0]) } };
    }
    case 'backup': {
      tooMany(2);
      if (!rest[0]) throw new BadInputError('`/rollback backup` needs a backup name', 'e.g. `/rollback backup backup_20261122_020000.dump`; `/backups list` shows them');
      return { action: 'preview', environment: envOf(rest[1], `/rollback backup ${rest[0]} ENV`), choice: { kind: 'backup', backup: rest[0] } };
    }
    default: {
      tooMany(3);
      const [ref, second, third] = rest;
      if (!ref) throw new BadInputError('`/rollback full` needs a release', 'e.g. `/rollback full v1.0.0 backup_20261122_020000.dump`');
      const envWord = third ?? (second !== undefined && environments.includes(second) ? second : undefined);
      const backup = third !== undefined || envWord === undefined ? second : undefined;
      return { action: 'preview', environment: envOf(envWord, `/rollback full ${ref} ENV`), choice: { kind: 'full', level: 3, ref: checkedRef(ref), ...(backup ? { backup } : {}) } };
    }
  }
}

/** The modal's answers (see messages/rollback-modal.ts), already read out of Slack's state. */
export interface ModalAnswers { kind: string | null; releaseSha: string | null; backup: string | null; level: string | null }

/** The request the modal asks for, or the errors to show beside its inputs (block_id → message). */
export function choiceFromModal(a: ModalAnswers): { choice: ManualRollbackRequest } | { errors: Record<string, string> } {
  const level = a.level === '1' || a.level === '2' || a.level === '3' ? (Number(a.level) as RollbackLevel) : undefined;
  const ref = a.releaseSha ?? undefined;
  const backup = a.backup ?? undefined;
  // A level overrides the kind, as `ripcord rollback --level` does: 1/2 move the code, 3 also the database.
  if (level === 3) return { choice: { kind: 'full', level, ...(ref ? { ref } : {}), ...(backup ? { backup } : {}) } };
  if (level !== undefined) return { choice: { kind: 'commit', level, ...(ref ? { ref } : {}) } };
  switch (a.kind) {
    case 'quick': return { choice: { kind: 'quick', database: 'auto' } };
    case 'commit': return ref ? { choice: { kind: 'commit', level: 1, ref } } : { errors: { release: 'pick the release to go back to' } };
    case 'backup': return backup ? { choice: { kind: 'backup', backup } } : { errors: { backup: 'pick the backup to restore' } };
    case 'full': return ref ? { choice: { kind: 'full', level: 3, ref, ...(backup ? { backup } : {}) } } : { errors: { release: 'a full rollback needs the release to go back to' } };
    default: return { errors: { kind: 'choose what to roll back, or a level' } };
  }
}

/** What the Roll back button carries: the choice and the plan it showed, never the plan itself. */
export interface ConfirmedRollback {
  environment: string;
  choice: ManualRollbackRequest;
  fromSha: string;
  toSha: string;
  backup: string | null;
  previewedAt: number;
}

export function encodeRollbackConfirm(p: ConfirmedRollback): string {
  return JSON.stringify({ e: p.environment, c: p.choice, f: p.fromSha, t: p.toSha, b: p.backup, at: p.previewedAt });
}

export function decodeRollbackConfirm(value: string | undefined): ConfirmedRollback {
  try {
    const v = JSON.parse(value ?? '') as { e?: unknown; c?: unknown; f?: unknown; t?: unknown; b?: unknown; at?: unknown };
    const c = v.c as Partial<ManualRollbackRequest> | undefined;
    if (typeof v.e === 'string' && typeof v.f === 'string' && typeof v.t === 'string' && typeof v.at === 'number' && (v.b === null || typeof v.b === 'string')
      && c && typeof c === 'object' && ['quick', 'commit', 'backup', 'full'].includes(String(c.kind))) {
      return { environment: v.e, choice: c as ManualRollbackRequest, fromSha: v.f, toSha: v.t, backup: v.b, previewedAt: v.at };
    }
  } catch { /* reported below */ }
  throw new BadInputError('this button does not carry a rollback preview Ripcord made', 'ask for a fresh preview with `/rollback quick` or `/rollback`');
}

/** One request ID per confirmed preview: `slack-rollback-<env>-<hash>`. */
export function rollbackRequestId(p: ConfirmedRollback): string {
  const digest = createHash('sha256').update(JSON.stringify([p.environment, p.choice, p.fromSha, p.toSha, p.backup, p.previewedAt])).digest('hex');
  return `slack-rollback-${p.environment}-${digest.slice(0, 24)}`;
}

/** The `/rollback` words that ask for this choice again (for "ask for a fresh preview"). */
export function rollbackCommandOf(environment: string, c: ManualRollbackRequest): string {
  if (c.kind === 'quick') return `/rollback quick ${environment}`;
  if (c.kind === 'backup') return `/rollback backup ${c.backup ?? 'NAME'} ${environment}`;
  if (c.kind === 'full') return `/rollback full ${c.ref ?? 'REF'}${c.backup ? ` ${c.backup}` : ''} ${environment}`;
  return c.ref ? `/rollback commit ${c.ref} ${environment}` : `/rollback ${environment}`;
}
