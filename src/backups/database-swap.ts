/**
 * Whole databases moved by name: survey, create, drop, clone, and the rename swap that puts another
 * database in the live one's place. Used by the staged restore (restore-into.ts), the `clone_swap`
 * rollback strategy and a rollback's hold on writes (database-hold.ts). Every statement runs from the maintenance database, never from
 * the one being renamed, and every operation can be run again after a crash.
 */
import { runCommand } from '../adapters/process-runner.js';
import { BadInputError } from '../domain/errors.js';
import { parseDatabaseIdentity, type DatabaseIdentity } from '../domain/database-identity.js';
import { sql, sqlSteps, unreachable } from './database-facts.js';
import { identitySql } from './database-state.js';
import { connectionOf, pgCommand, quoteIdent, quoteLiteral, type DatabaseAccess } from './pg-commands.js';

/**
 * The database Ripcord connects to when it creates, drops or renames the app's database: never the
 * app's own (PostgreSQL refuses `ALLOW_CONNECTIONS false` and renames on the database a session is
 * in). `database.maintenanceDatabase` when set; otherwise `postgres`, or `template1` when the app's
 * database is itself `postgres` — what the official image gives when POSTGRES_DB is not set.
 */
export function maintenanceDatabase(access: DatabaseAccess): string {
  const configured = access.database.maintenanceDatabase;
  if (configured) return configured;
  return connectionOf(access).dbname === 'postgres' ? 'template1' : 'postgres';
}

/** PostgreSQL truncates longer identifiers silently; a truncated name would not be found again. */
const MAX_IDENTIFIER_BYTES = 63;

export interface Survey {
  /** Owner, encoding, collation and ctype of the live database (or of the first other name that exists). */
  props: string[];
  live: boolean;
  /** Which of the other names asked about exist. */
  exists: ReadonlySet<string>;
}

/** Owner, encoding and collation of `db`, and which of `db` and `others` exist: one query. */
export async function survey(access: DatabaseAccess, db: string, others: readonly string[]): Promise<Survey> {
  const names = [db, ...others].map(quoteLiteral).join(', ');
  const out = await sql(access, maintenanceDatabase(access), `select coalesce((select pg_get_userbyid(datdba) || '|' || pg_encoding_to_char(encoding) || '|' || datcollate || '|' || datctype from pg_database where datname in (${names}) order by datname = ${quoteLiteral(db)} desc limit 1), '') || '#' || coalesce((select string_agg(datname, '/') from pg_database where datname in (${names})), '')`);
  const [props = '', found = ''] = out.split('#');
  const present = new Set(found.split('/').filter(Boolean));
  return { props: props ? props.split('|') : [], live: present.has(db), exists: new Set(others.filter((o) => present.has(o))) };
}

/** CREATE DATABASE for an empty database shaped like the surveyed one. */
export function createStatement(name: string, props: readonly string[]): string {
  return `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0${shapeOptions(props, true)}`;
}

function shapeOptions(props: readonly string[], withLocale: boolean): string {
  const [owner, encoding, collate, ctype] = props;
  if (!owner) return '';
  const locale = withLocale ? ` ENCODING ${quoteLiteral(encoding ?? 'UTF8')} LC_COLLATE ${quoteLiteral(collate ?? 'C')} LC_CTYPE ${quoteLiteral(ctype ?? 'C')}` : '';
  return ` OWNER ${quoteIdent(owner)}${locale}`;
}

export const dropStatement = (name: string) => `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`;

const allowStatement = (name: string, allow: boolean) => `ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS ${allow}`;
const terminateStatement = (name: string) => `select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = ${quoteLiteral(name)} and pid <> pg_backend_pid()`;

/** A crash between the two renames of an older (non-atomic) swap left the live name missing: put it back. */
export function repairStatements(db: string, retired: string, found: Survey): string[] {
  return !found.live && found.exists.has(retired) ? [`ALTER DATABASE ${quoteIdent(retired)} RENAME TO ${quoteIdent(db)}`, allowStatement(db, true)] : [];
}

/**
 * No new sessions on `db`, end the ones there are, then both renames in one transaction (one -c is
 * one implicit transaction), so no crash can leave the live name missing. `retired` keeps
 * ALLOW_CONNECTIONS false: nothing connects to it by mistake.
 */
export function swapStatements(db: string, incoming: string, retired: string): string[] {
  return [allowStatement(db, false), terminateStatement(db), renameBoth(db, incoming, retired)];
}

const renameBoth = (db: string, incoming: string, retired: string) =>
  `ALTER DATABASE ${quoteIdent(db)} RENAME TO ${quoteIdent(retired)}; ALTER DATABASE ${quoteIdent(incoming)} RENAME TO ${quoteIdent(db)}`;
const exists = (name: string) => `exists(select 1 from pg_database where datname = ${quoteLiteral(name)})`;

/** Statements in one quiet psql run from the maintenance database; each -c is its own transaction. */
async function psql(access: DatabaseAccess, statements: readonly string[], stopOnError: boolean, timeoutMs = 120_000): Promise<{ out: string; err: string }> {
  const cmd = pgCommand(access, 'psql', ['-X', '-q', '-At', '-v', `ON_ERROR_STOP=${stopOnError ? 1 : 0}`, '-d', maintenanceDatabase(access), ...statements.flatMap((st) => ['-c', st])]);
  const r = await runCommand({ ...cmd, timeoutMs });
  if (r.exitCode !== 0) throw unreachable(access, r.stderr || r.stdout);
  return { out: r.stdout.trim(), err: r.stderr };
}

/**
 * `CREATE DATABASE clone TEMPLATE db`, which needs no other session on `db`: new connections are
 * refused and open ones ended for as long as the copy takes (the write pause docs/OPERATIONS.md
 * describes). The statements run in one psql that goes on after an error, so connections are
 * allowed again even if the copy fails or this process dies mid-way; the `finally` covers a psql
 * that was itself cut short.
 */
export async function cloneDatabase(access: DatabaseAccess, db: string, clone: string): Promise<{ transactions: string; identity: DatabaseIdentity | null }> {
  const props = (await survey(access, db, [])).props;
  // With no session on `db`, every transaction that wrote to it has ended: the snapshot taken
  // right then is exactly what the clone holds (for counting the rows a swap back would drop),
  // and `db`'s identity says which database those rows must be counted in.
  const statements = [dropStatement(clone), allowStatement(db, false), terminateStatement(db), 'select pg_current_snapshot()', identitySql(quoteLiteral(db)),
    `CREATE DATABASE ${quoteIdent(clone)} TEMPLATE ${quoteIdent(db)}${shapeOptions(props, false)}`, allowStatement(db, true),
    `select ${exists(clone)}`];
  try {
    // Without ON_ERROR_STOP: every statement runs whatever the one before did.
    const r = await psql(access, statements, false, 3600_000);
    const lines = r.out.split('\n');
    if (lines.at(-1) !== 't') throw unreachable(access, r.err || `CREATE DATABASE ${clone} TEMPLATE ${db} did not create it`);
    const identity = lines.map(parseDatabaseIdentity).find((i) => i !== null) ?? null;
    return { transactions: lines.find((l) => /^\d+:\d+:[\d,]*$/.test(l)) ?? '', identity };
  } finally {
    await sql(access, maintenanceDatabase(access), allowStatement(db, true));
  }
}

/**
 * Waits while a session is still creating `name` — a psql that outlived the executor that started
 * it (it runs in its own process group and finishes on its own) — so a drop does not race it.
 */
export async function waitWhileCreating(access: DatabaseAccess, name: string, timeoutMs = 3600_000): Promise<void> {
  const creating = `select count(*) from pg_stat_activity where starts_with(query, ${quoteLiteral(`CREATE DATABASE ${quoteIdent(name)}`)}) and pid <> pg_backend_pid()`;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    if ((await sql(access, maintenanceDatabase(access), creating)) === '0') return;
  }
}

export async function allowConnections(access: DatabaseAccess, name: string): Promise<void> {
  await sql(access, maintenanceDatabase(access), allowStatement(name, true));
}

export async function dropDatabases(access: DatabaseAccess, names: readonly string[]): Promise<void> {
  if (names.length > 0) await sqlSteps(access, maintenanceDatabase(access), names.map(dropStatement));
}

/** Names of existing databases that start with `prefix` (e.g. clones left by a crash). */
export async function databasesStartingWith(access: DatabaseAccess, prefix: string): Promise<string[]> {
  const out = await sql(access, maintenanceDatabase(access), `select datname from pg_database where starts_with(datname, ${quoteLiteral(prefix)}) order by 1`);
  return out.split('\n').filter(Boolean);
}

/** Throws, naming the fix, when `name` is longer than PostgreSQL keeps. */
export function checkIdentifierLength(name: string, fix: string): string {
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) throw new BadInputError(`database name ${name} is longer than the ${MAX_IDENTIFIER_BYTES} bytes PostgreSQL keeps`, fix);
  return name;
}
