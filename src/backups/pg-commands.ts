/**
 * Command lines for pg_dump, pg_restore, psql, as data: on the host against a URL, or inside the
 * compose database service (as the old script's `docker-compose exec -T db pg_dump`). A password in
 * the URL travels in PGPASSWORD, never in argv, where `ps` would show it.
 */
import { composeArgv, type ComposeTarget } from '../adapters/compose-cli.js';
import type { DatabaseConfig } from '../config/schema.js';
import type { Command } from '../adapters/process-runner.js';

export interface DatabaseAccess {
  database: DatabaseConfig;
  /** Needed in service mode. */
  compose?: ComposeTarget | undefined;
  /**
   * The running database container, when known: `docker exec -i` into it directly costs a tenth of
   * a `compose exec` (no compose start-up per statement), which adds up over a restore.
   */
  container?: string | undefined;
  cwd?: string | undefined;
}

export interface Connection {
  /** Connection args (host/port/user), without the database name. */
  args: string[];
  dbname: string;
  env: Record<string, string>;
  /** Where, in words, for errors: "127.0.0.1:5432/app" or "compose service db/app". */
  where: string;
}

export function connectionOf(access: DatabaseAccess): Connection {
  const db = access.database;
  if (db.url) {
    const url = new URL(db.url);
    const env: Record<string, string> = { PGCONNECT_TIMEOUT: '10' };
    if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
    const args = ['-h', url.hostname.replace(/^\[|\]$/g, ''), '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
    const dbname = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
    return { args, dbname, env, where: `${url.hostname}:${url.port || '5432'}/${dbname}` };
  }
  return { args: ['-U', db.user], dbname: db.name, env: {}, where: `compose service ${db.service ?? 'db'}/${db.name}` };
}

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql' | 'pg_isready';

/**
 * `tool args…` run where the database is reachable, with `env` set for the tool (in a container
 * through `-e`, since `docker exec` does not pass the caller's environment in).
 */
export function pgCommand(access: DatabaseAccess, tool: PgTool, args: readonly string[], env: Readonly<Record<string, string>> = {}): Command {
  const conn = connectionOf(access);
  // -w: never prompt for a password (a prompt on the terminal would hang a restore fed on stdin).
  return where(access, [tool, ...conn.args, ...(tool === 'pg_isready' ? [] : ['-w']), ...args], { ...conn.env, ...env });
}

/** `tool --version`, which takes no other arguments. */
export function versionCommand(access: DatabaseAccess, tool: PgTool): Command {
  return where(access, [tool, '--version'], {});
}

function where(access: DatabaseAccess, argv: readonly string[], env: Readonly<Record<string, string>>): Command {
  if (access.database.url) return { argv: [...argv], env: { ...env }, cwd: access.cwd };
  const envFlags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  if (access.container) return { argv: ['docker', 'exec', '-i', ...envFlags, access.container, ...argv], cwd: access.cwd };
  if (!access.compose) throw new Error('service-mode database access needs the compose target');
  return { argv: composeArgv(access.compose, ['exec', '-T', ...envFlags, access.database.service ?? 'db', ...argv]), cwd: access.cwd };
}

/**
 * zlib level of custom-format dumps. Levels 1–3 are zlib's fast deflate: on bench/backup level 3
 * dumps in about half the time of level 6 (and of `pg_dump | gzip`) for ~2 % more bytes; on
 * text-heavy tables the difference in size is larger (docs/BENCHMARKS.md). A pre-deploy dump is on
 * every deploy's critical path, so time wins.
 */
export const DUMP_COMPRESSION = 3;

/** pg_dump arguments for a custom-format dump to stdout, inside an exported snapshot when given. */
export function dumpArgs(dbname: string, snapshot?: string): string[] {
  return ['-Fc', '-Z', String(DUMP_COMPRESSION), ...(snapshot ? [`--snapshot=${snapshot}`] : []), '-d', dbname];
}

/**
 * Session settings for restores. A restore goes into a staging database nobody uses yet, so its
 * commits need not wait for the WAL flush: the swap that makes it live commits synchronously, and
 * WAL is flushed in order, so everything restored is durable before the swap is. (A larger
 * maintenance_work_mem for index builds showed no gain on bench/backup and costs memory per job.)
 */
export const RESTORE_SESSION_ENV: Readonly<Record<string, string>> = {
  PGOPTIONS: '-c synchronous_commit=off',
};

/**
 * pg_restore arguments into the empty database `target`. Parallel jobs need a seekable file, so
 * `file` (a path the tool can open) enables `-j`; without it the dump comes on stdin.
 */
export function restoreArgs(target: string, opts: { jobs: number; file?: string | undefined }): string[] {
  const parallel = opts.file !== undefined && opts.jobs > 1 ? ['-j', String(opts.jobs)] : [];
  return ['--exit-on-error', '-d', target, ...parallel, ...(opts.file !== undefined ? [opts.file] : [])];
}

/** psql arguments that load a plain SQL dump from stdin into `target`, stopping at the first error. */
export function sqlLoadArgs(target: string): string[] {
  return ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target];
}

/** Counts every user table in one statement (query_to_xml runs a count per row of pg_tables). */
export const ROW_COUNTS_SQL = "select quote_ident(schemaname) || '.' || quote_ident(tablename) || '|' || "
  + "(xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', schemaname, tablename), false, true, '')))[1]::text "
  + "from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1";

export function parseRowCounts(lines: readonly string[]): Record<string, number> {
  return Object.fromEntries(lines.filter(Boolean).map((l) => {
    const bar = l.lastIndexOf('|');
    return [l.slice(0, bar), Number(l.slice(bar + 1))];
  }));
}

/** One SQL statement through psql, tuples only. */
export function psqlCommand(access: DatabaseAccess, dbname: string, sql: string): Command {
  return pgCommand(access, 'psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', dbname, '-Atc', sql]);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
