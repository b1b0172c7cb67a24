/**
 * What `ripcord init` reads from an app's compose file: which service runs PostgreSQL (and its
 * database and user), which one is the web app, and where its health check answers.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isPlainObject } from '../config/presets.js';

export interface ComposeFacts {
  db: { service: string; name: string | null; user: string } | null;
  web: { service: string; port: number | null; healthPath: string | null } | null;
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
  const dbEntry = entries.find(([, s]) => /postgres|postgis|timescale/i.test(String(s.image ?? '')));
  const webEntry = entries.find(([name]) => name === 'web') ?? entries.find(([name, s]) => name !== dbEntry?.[0] && !NOT_WEB.test(name) && (s.build !== undefined || s.ports !== undefined));
  return {
    db: dbEntry ? databaseOf(dbEntry[0], environmentOf(dbEntry[1], vars)) : null,
    web: webEntry ? { service: webEntry[0], ...healthOf(webEntry[1], vars) } : null,
    services: entries.map(([name]) => name),
  };
}

/** The official image's rules: POSTGRES_DB, else POSTGRES_USER, else postgres. */
function databaseOf(service: string, env: Record<string, string>): NonNullable<ComposeFacts['db']> {
  const user = env.POSTGRES_USER || 'postgres';
  const name = env.POSTGRES_DB ?? user;
  return { service, name: name.includes('${') ? null : name, user: user.includes('${') ? 'postgres' : user };
}

function environmentOf(service: Record<string, unknown>, vars: Vars): Record<string, string> {
  const raw = service.environment;
  const pairs: Array<[string, string]> = Array.isArray(raw)
    ? raw.map(String).map((l) => [l.split('=')[0] ?? '', l.includes('=') ? l.slice(l.indexOf('=') + 1) : ''])
    : isPlainObject(raw) ? Object.entries(raw).map(([k, v]) => [k, v === null ? '' : String(v)]) : [];
  return Object.fromEntries(pairs.map(([k, v]) => [k, substitute(v, vars)]));
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
