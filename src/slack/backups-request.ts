/**
 * `/backups` arguments and the Restore button's value, pure: list | create | verify NAME |
 * restore NAME, each with an optional trailing environment; the request IDs that make a double
 * click (or a re-sent command) one operation.
 */
import { createHash } from 'node:crypto';
import { BadInputError } from '../domain/errors.js';
import { pickEnvironment } from './deploy-request.js';

export type BackupsCommand =
  | { action: 'list' | 'create'; environment: string }
  | { action: 'verify' | 'restore'; environment: string; backup: string }
  | { action: 'help'; problem: string | null };

/** As src/operations/request.ts accepts: a file name from `/backups list`, no directories. */
const BACKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export function parseBackupsText(text: string, environments: readonly string[]): BackupsCommand {
  const [first, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const example = (cmd: string) => `/backups ${cmd} ENV`;
  const tooMany = (max: number) => {
    if (rest.length > max) throw new BadInputError(`too many words after \`${first}\`: "${rest.join(' ')}"`, 'see `/backups help`');
  };
  switch (first) {
    case undefined: return { action: 'list', environment: pickEnvironment(undefined, environments, example('list')) };
    case 'help': return { action: 'help', problem: null };
    case 'list':
    case 'create':
      tooMany(1);
      return { action: first, environment: pickEnvironment(rest[0], environments, example(first)) };
    case 'verify':
    case 'restore': {
      tooMany(2);
      const name = rest[0];
      if (!name) throw new BadInputError(`\`/backups ${first}\` needs a backup name`, `e.g. \`/backups ${first} backup_20261122_020000.dump\`; \`/backups list\` shows them`);
      if (!BACKUP_NAME.test(name)) throw new BadInputError(`"${name}" is not a backup name`, 'a backup name is a file name from `/backups list`, e.g. backup_20261122_020000.dump');
      return { action: first, environment: pickEnvironment(rest[1], environments, example(`${first} ${name}`)), backup: name };
    }
    default:
      if (rest.length === 0 && environments.includes(first)) return { action: 'list', environment: first };
      return { action: 'help', problem: `"${first}" is not a /backups command` };
  }
}

/** What the Restore button carries. */
export interface ConfirmedRestore { environment: string; backup: string; fromSha: string | null; previewedAt: number }

export function encodeRestoreConfirm(p: ConfirmedRestore): string {
  return JSON.stringify({ e: p.environment, n: p.backup, f: p.fromSha, at: p.previewedAt });
}

export function decodeRestoreConfirm(value: string | undefined): ConfirmedRestore {
  try {
    const v = JSON.parse(value ?? '') as { e?: unknown; n?: unknown; f?: unknown; at?: unknown };
    if (typeof v.e === 'string' && typeof v.n === 'string' && BACKUP_NAME.test(v.n) && typeof v.at === 'number' && (v.f === null || typeof v.f === 'string')) {
      return { environment: v.e, backup: v.n, fromSha: v.f, previewedAt: v.at };
    }
  } catch { /* reported below */ }
  throw new BadInputError('this button does not carry a restore preview Ripcord made', 'ask for a fresh preview with `/backups restore NAME`');
}

const digest = (parts: readonly unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);

export const restoreRequestId = (p: ConfirmedRestore) => `slack-restore-${p.environment}-${digest([p.environment, p.backup, p.fromSha, p.previewedAt])}`;

/** create / verify have no preview: one request per Slack interaction (its trigger_id), so a re-delivery is one job. */
export const backupTaskRequestId = (action: 'create' | 'verify', environment: string, interactionId: string, backup = '') => `slack-backup-${action}-${environment}-${digest([action, environment, backup, interactionId])}`;
