/**
 * Which database a release last ran on, from this host's own records: the survey a deploy took
 * right before its migrations (the journal of the deploy that replaced that release), or the
 * manifest of a backup taken while it was live. A manual rollback compares it with the live
 * database (decideDatabaseForRelease) to know whether the release can run on it as it is.
 */
import type { DatabaseState, KnownDatabase } from './database-change.js';
import { FACT } from './journal-entry.js';
import type { JournalFacts } from './journal-facts.js';
import { shortSha } from './ref.js';

/** What a backup's manifest says about the database it holds. */
export interface BackupOfRelease {
  name: string;
  releaseSha: string | null;
  createdAt: string;
  /** False when the dump no longer matches its manifest or never passed verification. */
  verified: boolean;
  databaseState?: DatabaseState | undefined;
}

const isState = (v: unknown): v is DatabaseState => typeof v === 'object' && v !== null && typeof (v as DatabaseState).schema === 'string';

/** The survey of `journal` when it is a deploy that replaced `sha`, as a known database. */
export function surveyedBefore(journal: JournalFacts, sha: string): KnownDatabase | null {
  const state = journal.facts[FACT.databaseStateBefore];
  if (journal.header.kind !== 'deploy' || journal.previousSha !== sha || !isState(state)) return null;
  const where = journal.preDeployBackup ?? 'the survey';
  return { state, source: `${where}, taken before ${shortSha(journal.targetSha ?? '')} was deployed` };
}

/**
 * The newest record of the database `sha` ran on: the latest deploy that replaced it, else the
 * newest verified backup taken while it was live. Null when neither exists.
 */
export function databaseRanOn(sha: string, journals: readonly JournalFacts[], backups: readonly BackupOfRelease[]): KnownDatabase | null {
  const newestFirst = [...journals].sort((a, b) => b.header.startedAt.localeCompare(a.header.startedAt));
  for (const j of newestFirst) {
    const known = surveyedBefore(j, sha);
    if (known) return known;
  }
  const backup = backups.filter((b) => b.verified && b.releaseSha === sha && b.databaseState)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return backup?.databaseState ? { state: backup.databaseState, source: `${backup.name}, taken while it was live` } : null;
}
