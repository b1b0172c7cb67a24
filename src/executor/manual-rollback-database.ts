/**
 * What a manual rollback does with the database, by the one rule (decideDatabaseForRelease): the
 * live database stays only when the release gone back to ran on its schema and migrations record.
 * quick restores the pre-deploy backup otherwise; a code-only rollback (Level 1) is refused, with
 * the ways out, rather than start a release on a database it cannot run on.
 */
import { accessOf } from '../backups/access.js';
import { standingOf, type ListedBackup } from '../backups/list-backups.js';
import { readDatabaseState } from '../backups/database-state.js';
import { connectionOf } from '../backups/pg-commands.js';
import { decideDatabaseForRelease, type DatabaseState, type KnownDatabase, type RestoreDecision } from '../domain/database-change.js';
import { BadInputError } from '../domain/errors.js';
import type { JournalFacts } from '../domain/journal-facts.js';
import { preDeployBackupOf, type ManualRollbackRequest, type TargetBackup } from '../domain/manual-rollback.js';
import { databaseRanOn, surveyedBefore } from '../domain/release-database.js';
import type { ReleaseChange } from '../domain/release-history.js';
import type { ExecutorEnv } from './executor-env.js';

/** What a manual rollback reads to decide: the journals, the backups, and the release's name. */
export interface DatabaseReads {
  journals: readonly JournalFacts[];
  backups: readonly ListedBackup[];
  /** "v1.1.0 a9fd75d" */
  label: string;
}

async function liveDatabaseState(x: ExecutorEnv): Promise<DatabaseState> {
  const access = await accessOf(x.env, { compose: x.compose });
  return readDatabaseState(access, connectionOf(access).dbname, x.env.database.migrations.table);
}

function ranOn(sha: string, reads: DatabaseReads): KnownDatabase | null {
  const backups = reads.backups.map((b) => ({ ...b, ...standingOf(b) }));
  return databaseRanOn(sha, reads.journals, backups);
}

async function decide(x: ExecutorEnv, sha: string, reads: DatabaseReads, known = ranOn(sha, reads)): Promise<RestoreDecision & { known: boolean }> {
  return { ...decideDatabaseForRelease({ release: reads.label, ranOn: known, live: await liveDatabaseState(x) }), known: known !== null };
}

/** The refusal when a release would start on a database it did not run on. */
function cannotRunOn(label: string, why: string): never {
  throw new BadInputError(`${label} cannot run on the live database as it is: ${why}`,
    `roll back code and database together (\`ripcord rollback quick\`, or \`ripcord rollback full ${label.split(' ').at(-1) ?? ''}\`), run a reversal migration (\`--level 2\`), or keep the database anyway with \`--keep-database\``);
}

/** quick: the previous release's pre-deploy backup, unless that release can run on the live database. */
export async function quickDatabase(x: ExecutorEnv, req: ManualRollbackRequest, backups: readonly TargetBackup[], previous: { release: { sha: string }; change: ReleaseChange }, reads: DatabaseReads): Promise<{ backup: TargetBackup | null; reason: string }> {
  const { change } = previous;
  if (req.database === 'keep') return { backup: null, reason: 'as asked (--keep-database)' };
  // A corrupt pre-deploy dump is stood in for by the newest good backup of that release, if any.
  const predeploy = preDeployBackupOf(backups, change.preDeployBackup, change.from);
  const missing = backups.some((b) => b.name === change.preDeployBackup) ? 'is corrupt, and no good backup of that release can stand in' : 'is gone';
  if (!predeploy) return { backup: null, reason: await withoutBackup(x, previous.release.sha, reads, change.preDeployBackup ? `the pre-deploy backup ${change.preDeployBackup} ${missing}` : 'no pre-deploy backup was taken') };
  if (req.database === 'restore') return { backup: predeploy, reason: `the database is restored from ${predeploy.name} (--restore-database)` };
  // The deploy that replaced the release surveyed the database right before its migrations.
  const journal = reads.journals.find((j) => j.header.id === change.operationId);
  const known = (journal ? surveyedBefore(journal, previous.release.sha) : null) ?? ranOn(previous.release.sha, reads);
  const decision = await decide(x, previous.release.sha, reads, known);
  return { backup: decision.restore ? predeploy : null, reason: decision.why };
}

/** Level 1 (code only): the reason the database stays, or a refusal when the release cannot run on it. */
export async function codeOnlyDatabase(x: ExecutorEnv, req: ManualRollbackRequest, sha: string, reads: DatabaseReads): Promise<string> {
  if (req.database === 'keep') return 'as asked (--keep-database)';
  return withoutBackup(x, sha, reads, 'a code-only rollback restores no backup');
}

/** The database stays (no backup to restore): fine when the release ran on it, refused when it did not. */
async function withoutBackup(x: ExecutorEnv, sha: string, reads: DatabaseReads, because: string): Promise<string> {
  const decision = await decide(x, sha, reads);
  if (!decision.restore) return decision.why;
  if (decision.known) cannotRunOn(reads.label, decision.why);
  return `${because}, and nothing on this host records the database ${reads.label} ran on: the database is kept as it is — check that ${reads.label} can run on it`;
}
