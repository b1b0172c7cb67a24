/**
 * Per-test databases on the local PostgreSQL (127.0.0.1:5432, trust) and environments pointing at
 * them, for the backups integration tests. Every name is unique; `drop()` removes what was made.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../src/adapters/process-runner.js';
import { environmentSchema, type EnvironmentConfig } from '../../src/config/schema.js';

export const PG = ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres'];

export async function psql(db: string, sql: string, port = 5432): Promise<string> {
  const r = await runCommand({ argv: ['psql', '-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`psql ${db}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A small app schema: a table with a sequence, a foreign key, an index and a view. */
export const SEED_SQL = `
create table customers (id serial primary key, name text not null, created timestamptz default now());
create table orders (id bigserial primary key, customer_id int references customers(id), total numeric(10,2), note text);
create index orders_customer on orders(customer_id);
create view big_orders as select * from orders where total > 100;
insert into customers(name) select 'customer ' || g from generate_series(1, 200) g;
insert into orders(customer_id, total, note) select 1 + g % 200, (g % 500)::numeric / 3, repeat('x', g % 40) from generate_series(1, 3000) g;
`;

export interface TempDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function tempDatabase(seed = SEED_SQL): Promise<TempDatabase> {
  const name = `rc_bk_${randomBytes(5).toString('hex')}`;
  await psql('postgres', `create database ${name}`);
  if (seed) await psql(name, seed);
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    // Also the names a staged restore or a deep verify may leave if a test fails half-way.
    drop: async () => {
      const names = await psql('postgres', `select datname from pg_database where datname like '${name}%' or datname like 'ripcord_verify_%'`);
      for (const n of names.split('\n').filter((x) => x.startsWith(name))) await psql('postgres', `drop database if exists "${n}" with (force)`);
    },
  };
}

/** Every row of every table, in order: equal digests mean the data is the same. */
export async function dataDigest(db: string, port = 5432): Promise<string> {
  const tables = (await psql(db, "select quote_ident(tablename) from pg_tables where schemaname = 'public' order by 1", port)).split('\n').filter(Boolean);
  const hash = createHash('sha256');
  for (const t of tables) hash.update(`#${t}\n${await psql(db, `select t::text from ${t} t order by t::text`, port)}`);
  hash.update(await psql(db, "select string_agg(sequencename || ':' || coalesce(last_value, 0), ',' order by sequencename) from pg_sequences where schemaname = 'public'", port));
  return hash.digest('hex');
}

export function tempBackupDir(): { dir: string; root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ripcord-backups-'));
  const dir = join(root, 'backups');
  return { root, dir, cleanup: () => { chmodSync(root, 0o700); rmSync(root, { recursive: true, force: true }); } };
}

/** A full environment (defaults applied by the schema) whose database and backups are the test's. */
export function environmentFor(database: Record<string, unknown>, backupDir: string, extra: Record<string, unknown> = {}): EnvironmentConfig {
  return environmentSchema.parse({
    appDir: tmpdir(),
    database,
    backups: { dir: backupDir, ...(extra.backups as object | undefined) },
    health: { url: 'http://127.0.0.1:9/health/' },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'backups')),
  });
}
