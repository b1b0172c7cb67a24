/**
 * The one database rule on real PostgreSQL: every dump's manifest records the schema and the
 * migrations record it holds, and a release is kept on the live database only when both still
 * match what it ran on. A data-only migration changes no schema, yet adds a row to the migrations
 * table the older release does not know: that database goes back. The survey reads the whole
 * catalog, so a change at the start of a large schema is seen too.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createBackup } from '../../src/backups/index.js';
import { accessOf } from '../../src/backups/access.js';
import { readDatabaseState } from '../../src/backups/database-state.js';
import { decideDatabaseForRelease, type DatabaseState } from '../../src/domain/database-change.js';
import { requirePostgres } from '../support/require-services.js';
import { environmentFor, psql, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';

let db: TempDatabase;
const backups = tempBackupDir();

/** 1500 tables of 12 wide columns (a schema-only dump of about 1 MB), and a migrations table. */
const WIDE_SCHEMA = `do $$ begin
  for i in 1..1500 loop
    execute format('create table t_%s (id bigint primary key, %s)', lpad(i::text, 4, '0'),
      (select string_agg(format('column_with_a_rather_long_name_%s text not null default %L', c, repeat('d', 20)), ', ') from generate_series(1, 12) c));
  end loop;
end $$;
create table schema_migrations (name text primary key);
insert into schema_migrations values ('001_tables.sql');
insert into t_0002 (id) select generate_series(1, 50);`;

before(async () => {
  await requirePostgres();
  db = await tempDatabase(WIDE_SCHEMA);
});

after(async () => {
  await db?.drop();
  backups.cleanup();
});

const live = async (): Promise<DatabaseState> => readDatabaseState(await accessOf(environmentFor({ url: db.url }, backups.dir)), db.name);
const decide = (ranOn: DatabaseState, now: DatabaseState) => decideDatabaseForRelease({ release: 'v1.1.0', ranOn: { state: ranOn, source: 'the backup' }, live: now });

test('a dump records the state it holds; traffic alone keeps the database, a data-only migration or a schema change does not', async () => {
  const env = environmentFor({ url: db.url }, backups.dir);
  const record = await createBackup(env, { kind: 'predeploy' });
  const ranOn = record.databaseState;
  assert.ok(ranOn?.migrations, 'the manifest records the migrations table');
  assert.equal(ranOn.migrations.rows, 1);
  assert.deepEqual(ranOn, await live(), 'nothing changed yet');

  await psql(db.name, "insert into t_0002 (id) select generate_series(51, 80); update t_0003 set column_with_a_rather_long_name_1 = 'x'");
  const kept = decide(ranOn, await live());
  assert.equal(kept.restore, false, 'users writing rows is no reason to restore');
  assert.match(kept.why, /the database is kept, with every row written since/);

  await psql(db.name, "begin; update t_0002 set column_with_a_rather_long_name_2 = 'repriced'; insert into schema_migrations values ('002_reprice.sql'); commit");
  const dataOnly = decide(ranOn, await live());
  assert.equal(dataOnly.restore, true, 'a data-only migration: the older release does not know the migrations record');
  assert.match(dataOnly.why, /schema_migrations gained 1 row/);

  await psql(db.name, "delete from schema_migrations where name = '002_reprice.sql'");
  assert.equal(decide(ranOn, await live()).restore, false, 'the record as the release left it');
  // t_0001 is the first table: its change is far from the end of a schema dump.
  await psql(db.name, 'alter table t_0001 add column added_by_the_release integer');
  const schema = decide(ranOn, await live());
  assert.deepEqual([schema.restore, /the schema changed/.test(schema.why)], [true, true]);
});
