/**
 * What a rollback needs to know about the live database, read with one psql each: the state its
 * migrations change (a catalog hash and the migrations table), which database it is, and how many
 * rows were written or rewritten since a dump's snapshot — the writes a restore of that dump would
 * take away.
 */
import type { DatabaseState } from '../domain/database-change.js';
import type { LiveDatabase } from '../domain/database-identity.js';
import { sql } from './database-facts.js';
import { quoteLiteral, type DatabaseAccess } from './pg-commands.js';

/**
 * The migrations tables of the common tools, looked for in this order when
 * `database.migrations.table` is not set: Django, Prisma, Rails/Ecto/golang-migrate (and the
 * reference stack), Knex, Alembic, Flyway, Sequelize, goose, Diesel, TypeORM/Laravel.
 */
export const KNOWN_MIGRATIONS_TABLES = [
  'django_migrations', '_prisma_migrations', 'schema_migrations', 'knex_migrations', 'alembic_version',
  'flyway_schema_history', '"SequelizeMeta"', 'goose_db_version', '__diesel_schema_migrations', 'migrations',
];

const USER_NAMESPACES = "select oid, nspname from pg_namespace where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_toast%' and nspname not like 'pg\\_temp\\_%'";

/**
 * Every catalog entry a migration can change, as text without OIDs, so a restored copy of a
 * database hashes like the original. Sequence values and statistics are left out: traffic moves them.
 */
const CATALOG_LINES = `
  select 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || c.relpersistence::text as x from pg_class c join ns n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c', 'i', 'I')
  union all select 'col ' || n.nspname || '.' || c.relname || ' ' || a.attnum || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' ' || a.attidentity::text || a.attgenerated::text
    from pg_attribute a join pg_class c on c.oid = a.attrelid join ns n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
  union all select 'con ' || n.nspname || '.' || coalesce(c.relname, t.typname, '') || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid)
    from pg_constraint co join ns n on n.oid = co.connamespace left join pg_class c on c.oid = co.conrelid left join pg_type t on t.oid = co.contypid
  union all select 'idx ' || pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid join ns n on n.oid = c.relnamespace
  union all select 'view ' || n.nspname || '.' || c.relname || ' ' || pg_get_viewdef(c.oid) from pg_class c join ns n on n.oid = c.relnamespace where c.relkind in ('v', 'm')
  union all select 'fn ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(pg_get_functiondef(p.oid))
    from pg_proc p join ns n on n.oid = p.pronamespace where p.prokind in ('f', 'p')
  union all select 'trg ' || pg_get_triggerdef(t.oid) from pg_trigger t join pg_class c on c.oid = t.tgrelid join ns n on n.oid = c.relnamespace where not t.tgisinternal
  union all select 'enum ' || n.nspname || '.' || t.typname || ' ' || e.enumsortorder || ' ' || e.enumlabel
    from pg_enum e join pg_type t on t.oid = e.enumtypid join ns n on n.oid = t.typnamespace
  union all select 'ext ' || extname || ' ' || extversion from pg_extension
  union all select 'pol ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '') from pg_policies
  union all select 'seq ' || schemaname || '.' || sequencename || ' ' || data_type || ' ' || increment_by || ' ' || min_value || ' ' || max_value || ' ' || cycle from pg_sequences`;

/** The first of `candidates` that exists, with a hash and a count of its rows, via query_to_xml (no second round trip). */
function migrationsSql(candidates: readonly string[]): string {
  const values = candidates.map((c, i) => `(${quoteLiteral(c)}, ${i})`).join(', ');
  const query = "format('select md5(coalesce(string_agg(t::text, chr(10) order by t::text), '''')) as h, count(*) as n from %s t', rel)";
  return `select rel::text || '|' || (xpath('/row/h/text()', x))[1]::text || '|' || (xpath('/row/n/text()', x))[1]::text
    from (select rel, query_to_xml(${query}, false, true, '') as x
      from (select to_regclass(name) as rel from (values ${values}) as cand(name, ord) where to_regclass(name) is not null order by ord limit 1) found) m`;
}

/** The schema hash and the migrations table of `dbname`, as one line "hash#table|hash|rows". */
export async function readDatabaseState(access: DatabaseAccess, dbname: string, migrationsTable?: string | null): Promise<DatabaseState> {
  const candidates = migrationsTable ? [migrationsTable] : KNOWN_MIGRATIONS_TABLES;
  const statement = `with ns as (${USER_NAMESPACES}), lines as (${CATALOG_LINES})
    select (select md5(coalesce(string_agg(x, E'\\n' order by x), '')) from lines) || '#' || coalesce((${migrationsSql(candidates)}), '')`;
  return parseDatabaseState(await sql(access, dbname, statement, 300_000));
}

export function parseDatabaseState(line: string): DatabaseState {
  const [schema = '', migrations = ''] = line.trim().split('#');
  if (!/^[0-9a-f]{32}$/.test(schema)) throw new Error(`unexpected database survey output: ${line.slice(0, 200)}`);
  if (!migrations) return { schema, migrations: null };
  const parts = migrations.split('|');
  const [rows = '0', hash = ''] = [parts.pop(), parts.pop()];
  return { schema, migrations: { table: parts.join('|'), hash, rows: Number(rows) } };
}

/** `system|oid` of the database named by `db` (an SQL expression): recorded with every snapshot. */
export const identitySql = (db: string) =>
  `select s.system_identifier::text || '|' || d.oid::text from pg_database d, pg_control_system() s where d.datname = ${db}`;
/** The identity of the database a session is in. */
export const IDENTITY_SQL = identitySql('current_database()');

/** The live database's identity and the server's next transaction ID (database-identity.ts). */
export async function readLiveDatabase(access: DatabaseAccess, dbname: string): Promise<LiveDatabase> {
  const line = await sql(access, dbname, `select pg_snapshot_xmax(pg_current_snapshot())::text || '|' || (${IDENTITY_SQL})`);
  const m = /^(\d+)\|(\d+)\|(\d+)$/.exec(line);
  if (!m) throw new Error(`unexpected database identity output: ${line.slice(0, 200)}`);
  return { xmax: m[1]!, system: m[2]!, oid: Number(m[3]) };
}

/**
 * Per table, the rows whose current version was committed after `snapshot` (a `pg_current_snapshot()`
 * text, "xmin:xmax:xip,…"): inserted or updated since. A row's xmin is a 32-bit transaction ID, so
 * it is compared by age against the snapshot's xmax (frozen and older rows are older), and against
 * the transactions that were still running when the snapshot was taken. Deleted rows cannot be
 * counted: they are gone.
 */
export async function rowsWrittenSince(access: DatabaseAccess, dbname: string, snapshot: string): Promise<Record<string, number>> {
  if (!/^\d+:\d+:[\d,]*$/.test(snapshot)) throw new Error(`not a snapshot: ${snapshot}`);
  const snap = `${quoteLiteral(snapshot)}::pg_snapshot`;
  const window = `(pg_snapshot_xmax(pg_current_snapshot())::text::bigint - pg_snapshot_xmax(${snap})::text::bigint)`;
  const running = `array(select (x::text::bigint % 4294967296) from pg_snapshot_xip(${snap}) x)`;
  const count = `format('select count(*) as c from %I.%I where age(xmin) <= %s or xmin::text::bigint = any(%L::bigint[])', schemaname, tablename, ${window}, ${running})`;
  const statement = `select quote_ident(schemaname) || '.' || quote_ident(tablename) || '|' || (xpath('/row/c/text()', query_to_xml(${count}, false, true, '')))[1]::text
    from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1`;
  const out = await sql(access, dbname, statement, 3600_000);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => {
    const bar = l.lastIndexOf('|');
    return [l.slice(0, bar), Number(l.slice(bar + 1))];
  }));
}
