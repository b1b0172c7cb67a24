/**
 * Did a deploy change the database in a way its rollback must undo? Decided from what the
 * migrations actually did — the schema and the migrations table before the migrate stage and at
 * the rollback — never from the fact that a stage ran, and never from the WAL position: live
 * traffic always moves that, and restoring because of it throws away what users committed.
 */

/** The parts of a database its migrations change, as comparable hashes. */
export interface DatabaseState {
  /** Hash of the catalog: tables, columns, constraints, indexes, views, functions, triggers, types, extensions. */
  schema: string;
  /** The migration tool's own record; null when no migrations table was found. */
  migrations: { table: string; hash: string; rows: number } | null;
}

/** How the migrate stage of the deploy being rolled back went (from its journal). */
export type MigrateRun = 'not_run' | 'passed' | 'failed';

export interface RestoreInputs {
  /** Taken right before the migrate stage; null in journals of older Ripcord versions. */
  before: DatabaseState | null;
  /** Taken at the rollback, with the app services stopped. */
  now: DatabaseState;
  migrate: MigrateRun;
  /** `database.migrations.eachInTransaction`: a failed migration rolls its own changes back. */
  eachInTransaction: boolean;
}

export interface RestoreDecision {
  restore: boolean;
  /** Why, in words, for the report, the journal and Slack. */
  why: string;
}

/** Whether the rollback must put the pre-deploy database back, and why. */
export function decideDatabaseRestore(x: RestoreInputs): RestoreDecision {
  if (!x.before) return { restore: true, why: 'the database was not surveyed before the migrations (a journal of an older Ripcord), so it is restored to be safe' };
  const changed = describeChange(x.before, x.now);
  if (changed) return { restore: true, why: `the deploy changed the database: ${changed}` };
  if (x.migrate !== 'not_run' && x.now.migrations === null) return { restore: true, why: NO_MIGRATIONS_TABLE };
  if (x.migrate === 'failed' && !x.eachInTransaction) {
    return { restore: true, why: 'a migration failed; it may have changed data without recording it (set database.migrations.eachInTransaction: true if every migration runs in one transaction), so it is restored to be safe' };
  }
  const how = x.migrate === 'failed' ? 'the failed migration ran in a transaction and left nothing behind' : 'no migration changed the schema or the migrations table';
  return { restore: false, why: `${how}: the database was kept as it is, with every write users committed during the deploy` };
}

const NO_MIGRATIONS_TABLE = 'the schema is unchanged, but no migrations table was found to show whether a migration changed data, so it is restored to be safe (set database.migrations.table)';

/** The database a release ran on, as a record of this host shows it, and which record that is. */
export interface KnownDatabase {
  state: DatabaseState;
  /** In words, e.g. "backup_20261130_105442.dump, taken before v1.1.0 was deployed". */
  source: string;
}

export interface ReleaseFitInputs {
  /** The release a manual rollback goes back to, as people name it ("v1.1.0 a9fd75d"). */
  release: string;
  /** The database that release last ran on; null when no journal or manifest records it. */
  ranOn: KnownDatabase | null;
  live: DatabaseState;
}

/**
 * The same rule as {@link decideDatabaseRestore}, for a manual rollback: the live database is kept
 * only when the release gone back to can run on it — its schema **and** its migrations record are
 * the ones that release ran on. A migration that only changed data still added a row to the
 * migrations table, which the older release does not know; so the database goes back.
 */
export function decideDatabaseForRelease(x: ReleaseFitInputs): RestoreDecision {
  if (!x.ranOn) return { restore: true, why: `nothing on this host records the database ${x.release} ran on, so it is restored to be safe` };
  const changed = describeChange(x.ranOn.state, x.live);
  if (changed) return { restore: true, why: `${x.release} ran on another database: since ${x.ranOn.source}, ${changed}` };
  if (x.live.migrations === null) return { restore: true, why: NO_MIGRATIONS_TABLE };
  return { restore: false, why: `the schema and ${x.live.migrations.table} are as ${x.release} left them (${x.ranOn.source}): the database is kept, with every row written since` };
}

function describeChange(before: DatabaseState, now: DatabaseState): string | null {
  const parts: string[] = [];
  if (before.schema !== now.schema) parts.push('the schema changed');
  const [b, n] = [before.migrations, now.migrations];
  if (b && n && (b.table !== n.table || b.hash !== n.hash)) {
    const added = n.rows - b.rows;
    parts.push(added > 0 ? `${n.table} gained ${added} row${added === 1 ? '' : 's'}` : `${n.table} changed`);
  } else if (!b && n) {
    parts.push(`${n.table} was created`);
  }
  return parts.length > 0 ? parts.join(' and ') : null;
}

/**
 * Rows whose current version was committed after the snapshot — inserted or updated by users, or
 * rewritten by a migration — and so not in the restored database, by table: what the report names.
 * Only meaningful while the live database is the one the snapshot was taken of
 * (database-identity.ts). Tables with none are left out; the biggest first.
 */
export function describeRowsWritten(rows: Readonly<Record<string, number>>): { total: number; text: string } {
  const entries = Object.entries(rows).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return { total, text: 'no rows were written or rewritten since the snapshot' };
  const shown = entries.slice(0, 8).map(([t, n]) => `${t} ${n}`);
  const more = entries.length > 8 ? `, and ${entries.length - 8} more tables` : '';
  return { total, text: `${total} row${total === 1 ? '' : 's'} written or rewritten since the snapshot (${shown.join(', ')}${more})` };
}

/** Journaled by the restore_database step before it changes anything; the report is built from it. */
export interface RestoreDecisionFact {
  restore: boolean;
  why: string;
  /** table → rows written or rewritten since the snapshot, which the restored database does not have. */
  rowsWritten?: Record<string, number>;
  /** Why those rows could not be counted (database-identity.ts), instead of `rowsWritten`. */
  rowsUncounted?: string;
  snapshotAt?: string;
}
