/**
 * Command lines for pg_dump, pg_restore, psql, as data: on the host against a URL, or inside the
 * compose database service (as the old script's `docker-compose exec -T db pg_dump`). A password in
 * the URL travels in PGPASSWORD, never in argv, where `ps` would show it.
 */
import { composeExecArgv, type ComposeTarget } from '../adapters/compose-cli.js';
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

/** `tool args…` run where the database is reachable. */
export function pgCommand(access: DatabaseAccess, tool: 'pg_dump' | 'pg_restore' | 'psql' | 'pg_isready', args: readonly string[]): Command {
  const conn = connectionOf(access);
  if (access.database.url) return { argv: [tool, ...conn.args, ...args], env: conn.env, cwd: access.cwd };
  if (access.container) return { argv: ['docker', 'exec', '-i', access.container, tool, ...conn.args, ...args], cwd: access.cwd };
  if (!access.compose) throw new Error('service-mode database access needs the compose target');
  return { argv: composeExecArgv(access.compose, access.database.service ?? 'db', [tool, ...conn.args, ...args]), cwd: access.cwd };
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
