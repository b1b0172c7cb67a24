/**
 * `rollback quick` keeps the live database only when its schema equals the backup's. The compare
 * must read the whole schema: here the schema dump is several times longer than the output tail a
 * command result keeps, and the only change is near its start.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createBackup } from '../../src/backups/index.js';
import { schemaMatchesBackup } from '../../src/backups/schema-compare.js';
import { requirePostgres } from '../support/require-services.js';
import { environmentFor, psql, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';

let db: TempDatabase;
const backups = tempBackupDir();

/** 1500 tables of 12 wide columns: a schema-only dump of about 1 MB. */
const WIDE_SCHEMA = `do $$ begin
  for i in 1..1500 loop
    execute format('create table t_%s (id bigint primary key, %s)', lpad(i::text, 4, '0'),
      (select string_agg(format('column_with_a_rather_long_name_%s text not null default %L', c, repeat('d', 20)), ', ') from generate_series(1, 12) c));
  end loop;
end $$;`;

before(async () => {
  await requirePostgres();
  db = await tempDatabase(WIDE_SCHEMA);
});

after(async () => {
  await db?.drop();
  backups.cleanup();
});

test('a change at the start of a large schema is seen; an unchanged schema matches', async () => {
  const env = environmentFor({ url: db.url }, backups.dir);
  const size = await psql(db.name, "select count(*) from pg_tables where schemaname = 'public'");
  assert.equal(size, '1500');
  const record = await createBackup(env, { kind: 'predeploy' });
  assert.equal(await schemaMatchesBackup(env, record.name), true, 'nothing changed yet');
  // t_0001 is dumped first: its change is far outside the last 256 KB of the dump.
  await psql(db.name, 'alter table t_0001 add column added_by_the_release integer');
  assert.equal(await schemaMatchesBackup(env, record.name), false);
});
