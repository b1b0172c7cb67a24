import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideDatabaseForRelease, decideDatabaseRestore, describeRowsWritten, type DatabaseState } from '../../src/domain/database-change.js';
import { parseDatabaseState } from '../../src/backups/database-state.js';

const state = (schema: string, rows: number | null, hash = `h${rows}`): DatabaseState =>
  ({ schema, migrations: rows === null ? null : { table: 'public.schema_migrations', hash, rows } });

describe('decideDatabaseRestore: from what the migrations did, never from traffic', () => {
  const before = state('s1', 3);
  test('nothing changed by migrations: the database is kept (no acknowledged write lost)', () => {
    const d = decideDatabaseRestore({ before, now: state('s1', 3), migrate: 'passed', eachInTransaction: false });
    assert.equal(d.restore, false);
    assert.match(d.why, /no migration changed the schema or the migrations table/);
  });
  test('a new migration recorded: restore, naming the table and how many', () => {
    const d = decideDatabaseRestore({ before, now: state('s1', 4), migrate: 'passed', eachInTransaction: false });
    assert.equal(d.restore, true);
    assert.match(d.why, /schema_migrations gained 1 row/);
  });
  test('the schema changed (a half-applied migration outside a transaction): restore', () => {
    const d = decideDatabaseRestore({ before, now: state('s2', 3), migrate: 'failed', eachInTransaction: false });
    assert.deepEqual([d.restore, /the schema changed/.test(d.why)], [true, true]);
  });
  test('a failed migration that left nothing: kept only when each migration runs in a transaction', () => {
    assert.equal(decideDatabaseRestore({ before, now: state('s1', 3), migrate: 'failed', eachInTransaction: true }).restore, false);
    const unsure = decideDatabaseRestore({ before, now: state('s1', 3), migrate: 'failed', eachInTransaction: false });
    assert.equal(unsure.restore, true);
    assert.match(unsure.why, /eachInTransaction/);
  });
  test('no migrations table to read after a migrate stage: restore to be safe, naming the setting', () => {
    const d = decideDatabaseRestore({ before: state('s1', null), now: state('s1', null), migrate: 'passed', eachInTransaction: true });
    assert.deepEqual([d.restore, /database\.migrations\.table/.test(d.why)], [true, true]);
    assert.equal(decideDatabaseRestore({ before: state('s1', null), now: state('s1', null), migrate: 'not_run', eachInTransaction: false }).restore, false);
  });
  test('a migrations table created by the deploy, or no survey before (older journal): restore', () => {
    assert.match(decideDatabaseRestore({ before: state('s1', null), now: state('s1', 1), migrate: 'passed', eachInTransaction: false }).why, /was created/);
    assert.equal(decideDatabaseRestore({ before: null, now: state('s1', 1), migrate: 'not_run', eachInTransaction: false }).restore, true);
  });
});

describe('decideDatabaseForRelease: a manual rollback keeps the database only when the release ran on it', () => {
  const ranOn = { state: state('s1', 3), source: 'backup_1.dump, taken before abc1234 was deployed' };
  const decide = (live: DatabaseState, known: typeof ranOn | null = ranOn) => decideDatabaseForRelease({ release: 'v1.1.0 abc1234', ranOn: known, live });
  test('the same schema and migrations record: kept, with every row written since', () => {
    const d = decide(state('s1', 3));
    assert.equal(d.restore, false);
    assert.match(d.why, /the schema and public\.schema_migrations are as v1\.1\.0 abc1234 left them \(backup_1\.dump/);
  });
  test('a data-only migration (same schema, one more migration recorded): restored, naming the record', () => {
    const d = decide(state('s1', 4));
    assert.equal(d.restore, true);
    assert.equal(d.why, 'v1.1.0 abc1234 ran on another database: since backup_1.dump, taken before abc1234 was deployed, public.schema_migrations gained 1 row');
  });
  test('a rewritten record with as many rows (a migration replaced) is a change too', () => {
    assert.equal(decide(state('s1', 3, 'other')).restore, true);
  });
  test('nothing records what the release ran on, or no migrations table: restored to be safe', () => {
    assert.match(decide(state('s1', 3), null).why, /nothing on this host records the database v1\.1\.0 abc1234 ran on/);
    assert.equal(decideDatabaseForRelease({ release: 'v1', ranOn: { state: state('s1', null), source: 'x' }, live: state('s1', null) }).restore, true);
  });
});

describe('what the report says about the database', () => {
  test('rows written after the snapshot, biggest table first, empty tables left out', () => {
    assert.deepEqual(describeRowsWritten({ 'public.items': 2, 'public.orders': 97, 'public.empty': 0 }),
      { total: 99, text: '99 rows written or rewritten since the snapshot (public.orders 97, public.items 2)' });
    assert.equal(describeRowsWritten({}).total, 0);
  });
});

describe('parseDatabaseState', () => {
  test('a schema hash with and without a migrations table', () => {
    const hash = 'a'.repeat(32);
    assert.deepEqual(parseDatabaseState(`${hash}#`), { schema: hash, migrations: null });
    assert.deepEqual(parseDatabaseState(`${hash}#"SequelizeMeta"|abc|12`), { schema: hash, migrations: { table: '"SequelizeMeta"', hash: 'abc', rows: 12 } });
    assert.throws(() => parseDatabaseState('ERROR: nope'), /unexpected database survey output/);
  });
});
