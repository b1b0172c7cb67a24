/**
 * The databases bench/backup measures: pgbench's (the yardstick, ≥ 500 MB) and a
 * text-heavy events table, where dump compression levels differ more in size.
 */
import { randomBytes } from 'node:crypto';
import { runCommand } from '../../src/adapters/process-runner.js';

/** psql/pgbench connection options for the PostgreSQL on `port` (5432: the host's; a compose service's otherwise). */
export const connOf = (port = 5432) => ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'];
export const CONN = connOf();

export async function sh(argv: string[], timeoutMs = 3600_000): Promise<string> {
  const r = await runCommand({ argv, timeoutMs });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')}: exit ${r.exitCode}\n${r.stderr.slice(-2000)}`);
  return r.stdout.trim();
}

export const psql = (db: string, sql: string, port = 5432) => sh(['psql', '-X', ...connOf(port), '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql]);

export const databaseBytes = async (db: string, port = 5432) => Number(await psql('postgres', `select pg_database_size('${db}')`, port));

const EVENTS_SQL = `create table events as select g as id, 'user' || (g % 5000) || '@example.com' as email,
  timestamptz '2026-01-01' - g * interval '1 minute' as at, (array['login','logout','purchase','view','refund'])[1 + g % 5] as kind,
  round((random() * 1000)::numeric, 2) as amount,
  '{"ua": "Mozilla/5.0 (X11; Linux x86_64)", "ip": "10.0.' || (g % 255) || '.' || (g % 7) || '", "ref": "' || substr(md5(g::text), 1, 8) || '"}' as meta
  from generate_series(1, 4000000) g;
  alter table events add primary key (id); create index events_email on events (email);`;

/** Creates and fills a fresh database; returns its name. */
export async function createDataset(kind: 'pgbench' | 'events', scale: number, port = 5432): Promise<string> {
  const db = `rc_bench_${randomBytes(4).toString('hex')}`;
  await psql('postgres', `create database ${db}`, port);
  if (kind === 'pgbench') await sh(['pgbench', ...connOf(port), '-i', '-q', '-s', String(scale), db]);
  else await psql(db, EVENTS_SQL, port);
  await psql(db, 'vacuum analyze', port);
  return db;
}

/** Drops the bench database and anything a staged restore of it left. */
export async function dropDataset(db: string, port = 5432): Promise<void> {
  const names = (await psql('postgres', `select datname from pg_database where datname like '${db}%'`, port)).split('\n').filter(Boolean);
  for (const n of names) await psql('postgres', `drop database if exists "${n}" with (force)`, port);
}
