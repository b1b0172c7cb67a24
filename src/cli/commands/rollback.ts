/**
 * `ripcord rollback`: quick | commit REF | backup NAME | full REF [NAME] | status, Levels 1/2/3,
 * the old rollback.sh flags (`--quick | --commit SHA | --backup FILE | --full SHA FILE | --status`),
 * and with nothing given on a terminal, the old seven-option menu. Exit codes as for deploy:
 * 0 done, 2 refused (nothing changed), 4 the rollback failed.
 */
import type { Command } from 'commander';
import { BadInputError } from '../../domain/errors.js';
import type { ManualRollbackRequest, RollbackLevel } from '../../domain/manual-rollback.js';
import { validateRef } from '../../domain/ref.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';
import { runRollbackMenu } from '../rollback-menu.js';
import { confirmAndRollBack, openForRollback, type RollbackCliOptions } from '../rollback-run.js';
import { printStatus } from './status.js';

interface Flags extends RollbackCliOptions {
  env?: string;
  quick?: boolean;
  commit?: string;
  backup?: string;
  full?: string[];
  status?: boolean;
  level?: string;
  to?: string;
  restoreDatabase?: boolean;
  keepDatabase?: boolean;
  fromOtherDatabase?: boolean;
}

const USAGE = 'ripcord rollback quick | commit REF | backup NAME | full REF [NAME] | status (or --level 1|2|3 [--to REF] [--backup NAME])';

function levelOf(value: string | undefined): RollbackLevel | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === '2' || value === '3') return Number(value) as RollbackLevel;
  throw new BadInputError(`--level ${value} is not a level`, 'use --level 1 (code), 2 (code + schema) or 3 (code + database)');
}

function database(f: Flags): ManualRollbackRequest['database'] {
  if (f.restoreDatabase && f.keepDatabase) throw new BadInputError('--restore-database and --keep-database contradict each other', 'pass one of them, or neither (whether the release ran on the live schema and migrations record decides)');
  return f.restoreDatabase ? 'restore' : f.keepDatabase ? 'keep' : 'auto';
}

/** The request from positional words, old flags or --level; null when nothing was asked (the menu). */
export function requestOf(words: readonly string[], f: Flags): ManualRollbackRequest | 'status' | null {
  const level = levelOf(f.level);
  const [kind, a, b, ...extra] = words;
  const ref = (r: string | undefined) => (r === undefined ? undefined : (validateRef(r), r));
  if (extra.length > 0) throw new BadInputError(`too many arguments: ${extra.join(' ')}`, `usage: ${USAGE}`);
  if (f.status || kind === 'status') return 'status';
  if (f.quick || kind === 'quick') return { kind: 'quick', database: database(f) };
  if (f.full) {
    if (f.full.length < 1 || f.full.length > 2) throw new BadInputError('--full takes a SHA and a backup file', 'e.g. --full 9e8d7c6 backup_20261122_020000.dump');
    return { kind: 'full', level: 3, ref: ref(f.full[0]) as string, ...(f.full[1] ? { backup: f.full[1] } : {}) };
  }
  const keep = f.keepDatabase ? { database: 'keep' as const } : {};
  if (f.commit) return { kind: 'commit', level: level === 2 ? 2 : 1, ref: ref(f.commit) as string, ...keep };
  if (kind === 'commit') {
    if (!a) throw new BadInputError('rollback commit needs a release', 'e.g. ripcord rollback commit v1.0.4 (the menu lists the releases that ran)');
    return { kind: 'commit', level: level === 2 ? 2 : 1, ref: ref(a) as string, ...keep };
  }
  if (kind === 'full') {
    if (!a) throw new BadInputError('rollback full needs a release', 'e.g. ripcord rollback full v1.0.4 backup_20261122_020000.dump');
    return { kind: 'full', level: 3, ref: ref(a) as string, ...(b ? { backup: b } : {}) };
  }
  if (kind === 'backup' || (f.backup && level === undefined)) {
    const name = kind === 'backup' ? a : f.backup;
    if (!name) throw new BadInputError('rollback backup needs a backup name', 'e.g. ripcord rollback backup backup_20261122_020000.dump (`ripcord backups list`)');
    return { kind: 'backup', backup: name };
  }
  if (kind !== undefined) throw new BadInputError(`unknown rollback kind "${kind}"`, `usage: ${USAGE}`);
  if (level === 3) return { kind: 'full', level: 3, ...(f.to ? { ref: ref(f.to) as string } : {}), ...(f.backup ? { backup: f.backup } : {}) };
  if (level !== undefined) return { kind: 'commit', level, ...(f.to ? { ref: ref(f.to) as string } : {}), ...keep };
  return null;
}

export function registerRollbackCommand(program: Command, ctx: CliContext): void {
  program.command('rollback [kind] [args...]')
    .description(`roll back by hand: ${USAGE}; no arguments on a terminal opens the menu`)
    .option('-e, --env <name>', 'environment (default: the only one)')
    .option('--quick', 'rollback.sh --quick: back to the previous release (and its pre-deploy backup unless that release ran on the live schema and migrations record)')
    .option('--commit <sha>', 'rollback.sh --commit SHA: code and images back to a release, database kept (refused when the release did not run on it)')
    .option('--backup <file>', 'rollback.sh --backup FILE: restore only the database from a backup')
    .option('--full <sha_and_file...>', 'rollback.sh --full SHA FILE: both')
    .option('--status', 'rollback.sh --status: services, health, release, last deployment, lock, newest verified backup')
    .option('--level <n>', 'runbook level: 1 code and images, 2 code + rollback.schemaCommand, 3 code + database')
    .option('--to <ref>', 'with --level: the release to go back to (default: the previous one)')
    .option('--restore-database', 'quick: restore the pre-deploy backup even if the schema did not change')
    .option('--keep-database', 'quick, commit: keep the database as it is, even when the release did not run on it')
    .option('--from-other-database', 'backup, full, quick: allow a backup of another database (by name) to replace the app\'s')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'show what would happen; change nothing')
    .option('--json', 'print one JSON object (the plan with --dry-run, else the report)')
    .action(async (kind: string | undefined, args: string[], f: Flags, cmd: Command) => {
      const asked = requestOf([...(kind ? [kind] : []), ...args], f);
      const request = asked && asked !== 'status' && f.fromOtherDatabase ? { ...asked, fromOtherDatabase: true } : asked;
      if (request === 'status') return printStatus(cmd, ctx, f);
      const { config } = loadConfigFor(cmd, ctx);
      const [name] = pickEnvironment(config.environments, f.env);
      const x = await openForRollback(config, name);
      if (request) return confirmAndRollBack(x, config, request, f, ctx);
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new BadInputError('no rollback kind given and no terminal for the menu', `usage: ${USAGE}`);
      }
      return runRollbackMenu(x, config, f, ctx);
    });
}
