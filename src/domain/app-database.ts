/**
 * Which database the app really uses, from what its own containers were started with, compared
 * with the one ripcord.yml names: a backup of any other database is a backup of nothing the app
 * keeps. Only names leave this file: a DATABASE_URL carries a password, and is read, never kept.
 */

/** One statement of the app's setup about its database: "DATABASE_URL of web names shop". */
export interface DatabaseClaim {
  database: string;
  /** Where it was read, in words, e.g. "DATABASE_URL of service web". */
  source: string;
  /** An app container's connection URL is the app's word; the db service's POSTGRES_DB is second best. */
  from: 'app' | 'db';
}

export type AppDatabaseVerdict =
  | { status: 'match'; detail: string }
  | { status: 'mismatch'; detail: string; fix: string }
  | { status: 'unknown'; detail: string };

/** The database and user a postgres:// URL names; null when it is not one. The password is never returned. */
export function databaseOfUrl(url: string): { database: string; user: string | null } | null {
  if (!/^postgres(ql)?:\/\//i.test(url.trim())) return null;
  try {
    const u = new URL(url.trim());
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    const user = u.username ? decodeURIComponent(u.username) : null;
    // libpq's default database is the user's name.
    return { database: database || user || 'postgres', user };
  } catch {
    return null;
  }
}

/** `KEY=VALUE` lines (a container's Config.Env) → the value of `key`, or undefined. */
export function envValue(env: readonly string[], key: string): string | undefined {
  const line = env.find((l) => l.startsWith(`${key}=`));
  return line === undefined ? undefined : line.slice(key.length + 1);
}

/** What an app container's environment says: its DATABASE_URL's database. */
export function appContainerClaims(service: string, env: readonly string[]): DatabaseClaim[] {
  const url = envValue(env, 'DATABASE_URL');
  const parsed = url === undefined ? null : databaseOfUrl(url);
  return parsed ? [{ database: parsed.database, source: `DATABASE_URL of service ${service}`, from: 'app' }] : [];
}

/** What the database container's environment says: the official image's POSTGRES_DB. */
export function databaseContainerClaims(service: string, env: readonly string[]): DatabaseClaim[] {
  const name = envValue(env, 'POSTGRES_DB');
  return name ? [{ database: name, source: `POSTGRES_DB of service ${service}`, from: 'db' }] : [];
}

/**
 * The app's containers decide when they name a database; the db service's POSTGRES_DB only when
 * they do not. `where` says how to set it: "database.name" or "database.url".
 */
export function compareAppDatabase(configured: string, claims: readonly DatabaseClaim[], where: 'database.name' | 'database.url'): AppDatabaseVerdict {
  const app = claims.filter((c) => c.from === 'app');
  const deciding = app.length > 0 ? app : claims.filter((c) => c.from === 'db');
  if (deciding.length === 0) {
    return { status: 'unknown', detail: `no app container has a DATABASE_URL and the database service sets no POSTGRES_DB: which database the app uses could not be read (ripcord.yml names ${configured})` };
  }
  const agreeing = deciding.filter((c) => c.database === configured);
  if (agreeing.length > 0) return { status: 'match', detail: `${configured} is the app's database (${agreeing.map((c) => c.source).join(', ')})` };
  const named = [...new Set(deciding.map((c) => c.database))];
  const said = deciding.map((c) => `${c.source} names ${c.database}`).join('; ');
  const set = where === 'database.name' ? `database.name: ${named[0]}` : `database.url to the app's database (…/${named[0]})`;
  return {
    status: 'mismatch',
    detail: `ripcord.yml names database ${configured}, but the app uses ${named.join(' or ')} (${said}): backups and restores would miss the app's data`,
    fix: `set ${set} in ripcord.yml, then run \`ripcord doctor\``,
  };
}
