/**
 * Holding the app database out of reach while a rollback restores it, so that every write
 * acknowledged before the rollback is either in the live database or in the safety backup.
 *
 * New connections are refused (`ALLOW_CONNECTIONS false`), every session on it is ended, and it is
 * renamed to a name only Ripcord knows. Why the rename: `ALLOW_CONNECTIONS false` is the only
 * refusal PostgreSQL applies to superusers too (a `CONNECTION LIMIT` on the database or on the
 * app's role does not bind them, and many apps connect as the superuser) — but it refuses Ripcord's
 * own pg_dump and counting as well. Under the held name, reachable again, Ripcord can dump and
 * count it, while the app finds no database of its name. The state is in the catalog, not only in
 * a process's memory: which name exists, and whether the live name still has the OID it had when
 * the hold was journaled, says whether a crashed run had held it, restored over it, or neither.
 */
import { sql, sqlSteps } from './database-facts.js';
import { dropStatement, maintenanceDatabase } from './database-swap.js';
import { quoteIdent, quoteLiteral, type DatabaseAccess } from './pg-commands.js';

/** Journaled before the hold acts: what was held, under which name, and the live database's OID then. */
export interface DatabaseHold {
  database: string;
  heldAs: string;
  oid: number;
  /** Journaled before a hold is given back after a failure: what was decided and dumped under it may miss later writes. */
  released?: boolean;
}

/** `held`: out of reach under `heldAs`; `replaced`: the live name already holds another database (an earlier run restored or swapped). */
export type HoldState = 'held' | 'replaced';

/** Which of the names exist, and with which OID. */
async function namesNow(access: DatabaseAccess, names: readonly string[]): Promise<Map<string, number>> {
  const out = await sql(access, maintenanceDatabase(access), `select datname || '|' || oid from pg_database where datname in (${names.map(quoteLiteral).join(', ')})`);
  return new Map(out.split('\n').filter(Boolean).map((l) => {
    const bar = l.lastIndexOf('|');
    return [l.slice(0, bar), Number(l.slice(bar + 1))];
  }));
}

/** The OID of `db`, journaled with the hold; throws when it does not exist. */
export async function databaseOid(access: DatabaseAccess, db: string): Promise<number> {
  const oid = (await namesNow(access, [db])).get(db);
  if (oid === undefined) throw new Error(`database ${db} does not exist`);
  return oid;
}

const allow = (name: string, on: boolean) => `ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS ${on}`;
const terminate = (name: string) => `select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = ${quoteLiteral(name)} and pid <> pg_backend_pid()`;
const rename = (from: string, to: string) => `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`;

/**
 * Refuse, end the sessions, rename, then let Ripcord in under the held name. Each statement is its
 * own transaction: the refusal is committed before the sessions are ended, so none reconnects
 * before the rename (which waits a few seconds for ended sessions to go). A name already under
 * `heldAs` while the live database is in place is a leftover of an earlier staged restore.
 */
export function holdStatements(hold: Pick<DatabaseHold, 'database' | 'heldAs'>, staleHeld: boolean): string[] {
  const { database: db, heldAs } = hold;
  return [...(staleHeld ? [dropStatement(heldAs)] : []), allow(db, false), terminate(db), rename(db, heldAs), allow(heldAs, true)];
}

/** Holds the database (idempotent): see the file comment. */
export async function holdDatabase(access: DatabaseAccess, hold: DatabaseHold): Promise<HoldState> {
  const found = await namesNow(access, [hold.database, hold.heldAs]);
  const live = found.get(hold.database);
  if (live !== undefined && live !== hold.oid) return 'replaced';
  if (live === undefined && !found.has(hold.heldAs)) throw new Error(`neither ${hold.database} nor ${hold.heldAs} exists`);
  const statements = live === undefined ? [allow(hold.heldAs, true)] : holdStatements(hold, found.has(hold.heldAs));
  await sqlSteps(access, maintenanceDatabase(access), statements);
  return 'held';
}

/**
 * Gives the database back (idempotent): renamed to its own name again when it is still held, and
 * accepting connections either way — also after a crash between refusing and renaming.
 */
export function releaseStatements(hold: Pick<DatabaseHold, 'database' | 'heldAs'>, stillHeld: boolean): string[] {
  return [...(stillHeld ? [rename(hold.heldAs, hold.database)] : []), allow(hold.database, true)];
}

/** Returns whether the held database was put back under its name. */
export async function releaseHold(access: DatabaseAccess, hold: DatabaseHold): Promise<boolean> {
  const found = await namesNow(access, [hold.database, hold.heldAs]);
  const stillHeld = !found.has(hold.database) && found.has(hold.heldAs);
  if (!found.has(hold.database) && !stillHeld) throw new Error(`neither ${hold.database} nor ${hold.heldAs} exists`);
  await sqlSteps(access, maintenanceDatabase(access), releaseStatements(hold, stillHeld));
  return stillHeld;
}

/**
 * Puts `incoming` (a restored staging database, or a clone) under the held database's name, then
 * drops what `dropAfter` names — only once the rename is committed. False when `incoming` is gone
 * or the live name is taken.
 */
export async function moveIntoPlace(access: DatabaseAccess, incoming: string, db: string, dropAfter: readonly string[] = []): Promise<boolean> {
  const found = await namesNow(access, [incoming, db]);
  if (!found.has(incoming) || found.has(db)) return false;
  await sqlSteps(access, maintenanceDatabase(access), [rename(incoming, db), allow(db, true), ...dropAfter.map(dropStatement)]);
  return true;
}
