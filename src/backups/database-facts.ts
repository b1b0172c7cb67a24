/** Facts about the live database a manifest records and a restore needs: versions, row counts, existence. */
import { runCommand } from '../adapters/process-runner.js';
import { RipcordError } from '../domain/errors.js';
import { connectionOf, parseRowCounts, psqlCommand, ROW_COUNTS_SQL, versionCommand, type DatabaseAccess } from './pg-commands.js';

export async function sql(access: DatabaseAccess, dbname: string, statement: string, timeoutMs = 60_000): Promise<string> {
  const r = await runCommand({ ...psqlCommand(access, dbname, statement), timeoutMs });
  if (r.exitCode !== 0) throw unreachable(access, r.stderr || r.stdout);
  return r.stdout.trim();
}

/**
 * Several statements in one psql run, each in its own transaction (psql runs every -c separately),
 * so CREATE/DROP DATABASE work; stops at the first error. One process instead of one per statement
 * matters in service mode, where each psql is a `compose exec`.
 */
export async function sqlSteps(access: DatabaseAccess, dbname: string, statements: readonly string[], timeoutMs = 120_000): Promise<string> {
  const base = psqlCommand(access, dbname, statements[0] ?? 'select 1');
  const argv = [...base.argv, ...statements.slice(1).flatMap((st) => ['-c', st])];
  const r = await runCommand({ ...base, argv, timeoutMs });
  if (r.exitCode !== 0) throw unreachable(access, r.stderr || r.stdout);
  return r.stdout.trim();
}

export function unreachable(access: DatabaseAccess, detail: string): RipcordError {
  const where = connectionOf(access).where;
  const last = detail.trim().split('\n').filter(Boolean).slice(-2).join(' ');
  return new RipcordError('unavailable', `database ${where}: ${last || 'no answer'}`,
    'check that PostgreSQL is running and database.url / database.service point at it (`ripcord doctor`)');
}

export async function serverVersion(access: DatabaseAccess): Promise<string> {
  return sql(access, connectionOf(access).dbname, 'show server_version');
}

export async function toolVersion(access: DatabaseAccess, tool: 'pg_dump' | 'pg_restore'): Promise<string> {
  const r = await runCommand({ ...versionCommand(access, tool), timeoutMs: 30_000 });
  return r.stdout.trim();
}

/** Exact row counts per table of every user schema, so a deep verify can compare a restored copy. */
export async function rowCounts(access: DatabaseAccess, dbname: string): Promise<Record<string, number>> {
  return parseRowCounts((await sql(access, dbname, ROW_COUNTS_SQL, 3600_000)).split('\n'));
}
