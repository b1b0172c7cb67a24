/**
 * What `ripcord init` reads from an app's compose file: which service runs PostgreSQL, which
 * database and user the app uses (an app service's DATABASE_URL, else the database service's
 * POSTGRES_DB / POSTGRES_USER, from `environment:` and `env_file:` alike), which one is the web
 * app, where its code is built from, and where its health check answers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse } from 'yaml';
import { isPlainObject } from '../config/presets.js';
import { databaseOfUrl } from '../domain/app-database.js';

export interface ComposeFacts {
  /** `source`: where the database name was read, in words ("DATABASE_URL of service web"). */
  db: { service: string; name: string | null; user: string; source: string } | null;
  /** `context`: the build directory of its code, when it builds one. */
  web: { service: string; port: number | null; healthPath: string | null; context: string | null } | null;
  services: string[];
}

type Vars = Readonly<Record<string, string | undefined>>;

/** The compose file names teams use, production-specific ones first. */
export const COMPOSE_FILE_NAMES = [
  'docker-compose.prod.yml', 'docker-compose.production.yml', 'compose.prod.yaml', 'compose.prod.yml',
  'compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml',
];

const NOT_WEB = /^(db|database|postgres|postgresql|redis|cache|worker|celery|beat|nginx|proxy|traefik|mail|smtp|queue)$/i;

export function readComposeFacts(path: string, vars: Vars): ComposeFacts {
  const doc: unknown = parse(readFileSync(path, 'utf8'));
  const services = isPlainObject(doc) && isPlainObject(doc.services) ? doc.services : {};
  const entries = Object.entries(services).filter((e): e is [string, Record<string, unknown>] => isPlainObject(e[1]));
  const envs = new Map(entries.map(([name, s]) => [name, environmentOf(s, vars, dirname(path))]));
  const dbEntry = entries.find(([, s]) => /postgres|postgis|timescale/i.test(String(s.image ?? '')));
  const webEntry = entries.find(([name]) => name === 'web') ?? entries.find(([name, s]) => name !== dbEntry?.[0] && !NOT_WEB.test(name) && (s.build !== undefined || s.ports !== undefined));
  const appUrl = [webEntry, ...entries].map((e) => e && e[0] !== dbEntry?.[0] ? urlClaim(e[0], envs.get(e[0]) ?? {}) : null).find((c) => c !== null) ?? null;
  return {
    db: dbEntry ? databaseOf(dbEntry[0], envs.get(dbEntry[0]) ?? {}, appUrl) : null,
    web: webEntry ? { service: webEntry[0], ...healthOf(webEntry[1], vars), context: contextOf(webEntry[1], dirname(path)) } : null,
    services: entries.map(([name]) => name),
  };
}

interface UrlClaim { service: string; database: string; user: string | null }

function urlClaim(service: string, env: Record<string, string>): UrlClaim | null {
  const parsed = env.DATABASE_URL && !env.DATABASE_URL.includes('${') ? databaseOfUrl(env.DATABASE_URL) : null;
  return parsed ? { service, ...parsed } : null;
}

/** The app's own DATABASE_URL first; else the official image's rules: POSTGRES_DB, else POSTGRES_USER, else postgres. */
function databaseOf(service: string, env: Record<string, string>, app: UrlClaim | null): NonNullable<ComposeFacts['db']> {
  const imageUser = env.POSTGRES_USER && !env.POSTGRES_USER.includes('${') ? env.POSTGRES_USER : null;
  if (app) return { service, name: app.database, user: app.user ?? imageUser ?? 'postgres', source: `DATABASE_URL of service ${app.service}` };
  const name = env.POSTGRES_DB ?? imageUser ?? 'postgres';
  const source = env.POSTGRES_DB !== undefined ? `POSTGRES_DB of service ${service}` : imageUser ? `POSTGRES_USER of service ${service} (no POSTGRES_DB)` : 'the image\'s default (no POSTGRES_DB or POSTGRES_USER)';
  return { service, name: name.includes('${') ? null : name, user: imageUser ?? 'postgres', source };
}

/** `env_file:` entries first, then `environment:`, which wins, as compose does. */
function environmentOf(service: Record<string, unknown>, vars: Vars, composeDir: string): Record<string, string> {
  const raw = service.environment;
  const pairs: Array<[string, string]> = Array.isArray(raw)
    ? raw.map(String).map((l) => [l.split('=')[0] ?? '', l.includes('=') ? l.slice(l.indexOf('=') + 1) : ''])
    : isPlainObject(raw) ? Object.entries(raw).map(([k, v]) => [k, v === null ? '' : String(v)]) : [];
  return { ...envFilesOf(service.env_file, composeDir), ...Object.fromEntries(pairs.map(([k, v]) => [k, substitute(v, vars)])) };
}

/** `env_file: x`, `env_file: [x, y]` or `[{ path: x, required: false }]`, relative to the compose file. */
function envFilesOf(raw: unknown, composeDir: string): Record<string, string> {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const paths = list.map((e) => (isPlainObject(e) ? String(e.path ?? '') : String(e))).filter(Boolean).map((p) => resolve(composeDir, p));
  return Object.assign({}, ...paths.filter((p) => existsSync(p)).map((p) => parseDotenv(readFileSync(p)))) as Record<string, string>;
}

/** `build: ./dir` or `build: { context: ./dir }`, as an absolute path. */
function contextOf(service: Record<string, unknown>, composeDir: string): string | null {
  const build = service.build;
  const context = typeof build === 'string' ? build : isPlainObject(build) && typeof build.context === 'string' ? build.context : null;
  return context ? resolve(composeDir, context) : null;
}

/** `${X}` / `${X:-default}` from the app's env files, as compose would; unknown ones stay as written. */
export function substitute(value: string, vars: Vars): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) => vars[name] || fallback || whole);
}

/** Port and path from a healthcheck URL, else the published port of the service. */
function healthOf(service: Record<string, unknown>, vars: Vars): { port: number | null; healthPath: string | null } {
  const health = isPlainObject(service.healthcheck) ? service.healthcheck.test : undefined;
  const test = substitute(Array.isArray(health) ? health.map(String).join(' ') : String(health ?? ''), vars);
  const url = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s"'|;]*)?/.exec(test);
  if (url) return { port: url[1] ? Number(url[1]) : 80, healthPath: url[2] ?? '/' };
  return { port: publishedPort(service.ports, vars), healthPath: null };
}

function publishedPort(ports: unknown, vars: Vars): number | null {
  if (!Array.isArray(ports) || ports.length === 0) return null;
  const first: unknown = ports[0];
  if (isPlainObject(first)) return Number(first.published ?? first.target) || null;
  // "8000", "8000:8000", "127.0.0.1:8000:8000", "8000:8000/tcp": the host port is the one before the container's.
  const parts = substitute(String(first), vars).replace(/\/\w+$/, '').split(':');
  const host = parts.length >= 2 ? parts[parts.length - 2] : parts[0];
  return Number(host) || null;
}
