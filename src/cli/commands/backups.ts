/** `ripcord backups list|create|verify|restore|prune`: the same code the executor uses, from a terminal. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { formatDistanceToNow } from 'date-fns';
import { createBackup, listBackups, pruneBackups, restoreBackup, restoreBackupInto, standingOf, verifyBackup, BACKUP_KINDS, type BackupKind } from '../../backups/index.js';
import { checkWords } from '../../domain/backup-check.js';
import { backupPath } from '../../backups/backup-files.js';
import { readRecord } from '../../backups/manifest.js';
import { appDatabaseName, refuseOtherDatabase } from '../../backups/restore-backup.js';
import { BadInputError } from '../../domain/errors.js';
import { EnvironmentLocks } from '../../state/environment-lock.js';
import { newOperationId } from '../../state/journal.js';
import { confirm } from '../confirm.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';

interface Common { env?: string; json?: boolean }

function target(cmd: Command, ctx: CliContext, opts: Common) {
  const { config } = loadConfigFor(cmd, ctx);
  const [name, env] = pickEnvironment(config.environments, opts.env);
  return { config, name, env };
}

const size = (bytes: number) => (bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(1)} GiB` : bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);

export function registerBackupsCommands(program: Command, ctx: CliContext): void {
  const backups = program.command('backups').description('take, verify, keep and restore database backups');
  const common = (c: Command) => c.option('-e, --env <name>', 'environment (default: the only one)').option('--json', 'print as JSON');

  common(backups.command('list').description('backups, newest first; each checked against its manifest (size, mtime, a failed re-hash)')).action(async (opts: Common, cmd: Command) => {
    const { env } = target(cmd, ctx, opts);
    const list = await listBackups(env);
    if (opts.json) return ctx.out(JSON.stringify(list));
    if (list.length === 0) return ctx.out(`no backups in ${env.backups.dir}`);
    for (const b of list) {
      ctx.out(`${b.name.padEnd(36)} ${b.kind.padEnd(9)} ${b.database.padEnd(16)} ${size(b.sizeBytes).padStart(10)}  ${formatDistanceToNow(new Date(b.createdAt), { addSuffix: true }).padEnd(20)} ${checkWords(standingOf(b))}`);
    }
  });

  common(backups.command('create').description('take a verified backup now').option('--kind <kind>', 'manual, daily, weekly, monthly', 'manual'))
    .action(async (opts: Common & { kind: string }, cmd: Command) => {
      if (!BACKUP_KINDS.includes(opts.kind as BackupKind)) throw new BadInputError(`unknown kind "${opts.kind}"`, `use one of: ${BACKUP_KINDS.join(', ')}`);
      const { env } = target(cmd, ctx, opts);
      const record = await createBackup(env, { kind: opts.kind as BackupKind, verify: true });
      ctx.out(opts.json ? JSON.stringify(record) : `created ${record.name} (${size(record.sizeBytes)}, verified)`);
    });

  common(backups.command('verify <name>').description('re-hash (sha256 and size against the manifest) + pg_restore --list; --deep restores into a throwaway database').option('--deep', 'restore and compare row counts'))
    .action(async (name: string, opts: Common & { deep?: boolean }, cmd: Command) => {
      const { env } = target(cmd, ctx, opts);
      const r = await verifyBackup(env, name, { deep: opts.deep ?? false });
      ctx.out(opts.json ? JSON.stringify(r) : r.ok ? `${name}: ok (${r.checked.join(', ')})` : `${name}: FAILED — ${r.reasons.join('; ')}`);
      ctx.exitCode = r.ok ? 0 : 1;
    });

  common(backups.command('restore <name>').description('restore the database from a backup (a safety backup is taken first)').option('-y, --yes', 'do not ask')
    .option('--into <database>', 'restore into this new database beside the live one, which is not touched')
    .option('--from-other-database', 'allow a backup of another database (by name) to replace the app\'s'))
    .action(async (name: string, opts: Common & { yes?: boolean; into?: string; fromOtherDatabase?: boolean }, cmd: Command) => {
      const { env, name: envName, config } = target(cmd, ctx, opts);
      if (opts.into) {
        const r = await restoreBackupInto(env, name, opts.into);
        return ctx.out(opts.json ? JSON.stringify(r) : `restored ${r.restored} into the new database ${r.database}; ${envName}'s database was not touched`);
      }
      const record = readRecord(backupPath(env.backups.dir, name));
      const fromOtherDatabase = opts.fromOtherDatabase ?? false;
      refuseOtherDatabase(env, record, fromOtherDatabase);
      const holds = record.database === 'unknown' ? 'a dump whose database is unknown (no manifest)' : `a dump of database ${record.database}`;
      if (!opts.yes && !(await confirm(`Replace the ${envName} database ${appDatabaseName(env)} with ${name} (${holds})?`, ctx))) { ctx.exitCode = 2; return; }
      // Under the environment lock: a restore must never race a deploy or a rollback of the same database.
      const locks = new EnvironmentLocks(config.stateDir);
      const lock = await locks.acquire(envName, { operation: `backups restore ${name} by ${userInfo().username} via cli`, deploymentId: newOperationId() });
      const r = await restoreBackup(env, name, { fromOtherDatabase }).finally(() => lock.release());
      ctx.out(opts.json ? JSON.stringify(r) : `restored ${r.restored}; the state before is in ${r.safetyBackup}`);
    });

  common(backups.command('prune').description('apply the retention policy').option('--dry-run', 'show what would be deleted and why'))
    .action(async (opts: Common & { dryRun?: boolean }, cmd: Command) => {
      const { env, name, config } = target(cmd, ctx, opts);
      const d = await pruneBackups(env, name, config.stateDir, { dryRun: opts.dryRun ?? false });
      if (opts.json) return ctx.out(JSON.stringify(d));
      for (const k of d.keep) ctx.out(`keep    ${k.name}  (${k.reasons.join('; ')})`);
      for (const x of d.delete) ctx.out(`${opts.dryRun ? 'would delete' : 'deleted'} ${x.name}  (${x.reason})`);
    });
}
