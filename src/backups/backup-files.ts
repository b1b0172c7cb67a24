/**
 * Backup names and paths. Names keep the old scripts' scheme (`backup_YYYYMMDD_HHMMSS.<ext>`,
 * `safety_backup_…`); a name from a person is only ever a file inside the backup dir.
 */
import { chmodSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { format } from 'date-fns';
import { BadInputError, RipcordError } from '../domain/errors.js';

export type BackupKind = 'predeploy' | 'safety' | 'manual' | 'daily' | 'weekly' | 'monthly';
export const BACKUP_KINDS: readonly BackupKind[] = ['predeploy', 'safety', 'manual', 'daily', 'weekly', 'monthly'];

const NAME = /^(safety_)?backup_\d{8}_\d{6}(?:_\d+)?\.(dump|sql\.gz)$/;

export function isBackupFileName(name: string): boolean {
  return NAME.test(name);
}

/** The name of a dump of `kind` taken at `at`, `n`-th of that second (0 for the first). */
export function backupName(kind: BackupKind, at: Date, n = 0): string {
  return `${kind === 'safety' ? 'safety_' : ''}backup_${format(at, 'yyyyMMdd_HHmmss')}${n === 0 ? '' : `_${n}`}.dump`;
}

export const partialPathOf = (dir: string, name: string) => join(dir, `.${name}.partial`);

/**
 * Claims a new, unused name for a dump taken at `at`: creates its hidden partial file (0600,
 * O_EXCL), so two backups started in the same second — even by two processes — never share a name.
 * Returns the open descriptor the dump is written to.
 */
export function reserveBackupName(dir: string, kind: BackupKind, at: Date): { name: string; partial: string; fd: number } {
  for (let n = 0; n < 1000; n++) {
    const name = backupName(kind, at, n);
    const partial = partialPathOf(dir, name);
    if (existsSync(join(dir, name))) continue;
    try {
      return { name, partial, fd: openSync(partial, 'wx', 0o600) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new RipcordError('precondition_failed', `too many backups named ${backupName(kind, at)} in one second`, 'wait a second and try again');
}

/**
 * The path of a backup a person named. Refuses anything that is not a plain backup file name in
 * the backup dir: `../`, absolute paths elsewhere, other files.
 */
export function backupPath(dir: string, name: string): string {
  const inside = resolve(dir) + sep;
  const full = resolve(dir, name);
  if (name.includes('\0') || !full.startsWith(inside) || !isBackupFileName(basename(full)) || full !== join(resolve(dir), basename(full))) {
    throw new BadInputError(`"${name}" is not a backup in ${dir}`, 'give the name of a backup as `ripcord backups list` shows it, e.g. backup_20261122_020000.dump');
  }
  if (!existsSync(full)) throw new RipcordError('not_found', `backup ${basename(full)} does not exist in ${dir}`, 'run `ripcord backups list` to see the backups there are', 2);
  return full;
}

/** The backup dir, created 0700 when missing; refused when others can read it. */
export function ensureBackupDir(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new RipcordError('precondition_failed', `backup dir ${dir} has mode ${mode.toString(8).padStart(4, '0')}: dumps would be readable by other users`, `chmod 0700 ${dir}`);
  }
}
