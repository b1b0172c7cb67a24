/**
 * Rollbacks under live traffic, on the reference stack: one client commits a row through the app
 * and another straight to the database (as workers and jobs outside the app do), each every 100 ms
 * for the whole deploy, and each keeps its own log of what was acknowledged. A failed release whose
 * migrations changed nothing loses no acknowledged write (the database is kept); one whose
 * migration failed inside its transaction does not even stop the old web, which the deploy never
 * replaced; one whose migration changed data and then failed gets the database restored with
 * writes held from before the count until the swap: every acknowledged row is in the live database
 * or in the safety backup, and the report counts exactly the rows missing from the live database.
 * Both database strategies; a good release loses nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { ripcord } from '../support/cli.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { tearDownStack } from '../support/stack/teardown.js';
import { run } from '../support/stack/stack-helpers.js';
import { startDatabaseWriter, startWriter, type Ack } from '../support/writer.js';
import { MIGRATION_FAILS_IN_TRANSACTION, tagRelease } from '../support/stack/extra-release.js';
import type { DatabaseRollback } from '../../src/domain/operation-report.js';

let stack: ReferenceStack;

interface Report { outcome: string; reason?: string; database?: DatabaseRollback }

const psql = (db: string, sql: string) => run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], '/', 60_000);

function configure(strategy: 'dump_restore' | 'clone_swap', eachInTransaction = false): void {
  stack.writeConfig({
    database: { service: 'db', name: 'app', user: 'postgres', rollbackStrategy: strategy, migrations: { eachInTransaction } },
    health: { url: stack.healthUrl, retries: 4, delaySeconds: 1, timeoutSeconds: 3 },
  });
}

/** Deploys `ref` while both writers run from before the deploy until after it ended; their logs together. */
async function deployUnderTraffic(ref: string): Promise<{ code: number | null; report: Report; acked: Ack[]; sent: string[]; refused: number; out: string }> {
  const writers = [startWriter(stack.webPort, 100), startDatabaseWriter(stack.dbPort, 'app', 100)];
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const r = await ripcord(['--config', stack.configPath, 'deploy', ref, '--yes', '--json']);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await Promise.all(writers.map((w) => w.stop()));
  return {
    code: r.code, report: JSON.parse(r.stdout) as Report, acked: writers.flatMap((w) => w.acked), sent: writers.flatMap((w) => w.sent),
    refused: writers.reduce((n, w) => n + w.refused, 0), out: r.stdout + r.stderr,
  };
}

/** The web container: its ID, when it was last started, whether it runs. */
async function webContainer(): Promise<string> {
  const id = (await run(stack.compose(['ps', '-q', 'web']), stack.appDir, 60_000)).trim();
  return run(['docker', 'inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.State.Running}}', id], '/', 60_000).then((o) => o.trim());
}

/**
 * Acknowledged rows that are not in the live database, found by their unique note, never by ID:
 * a restore puts the ID sequence back too, so rows written after the rollback reuse the IDs of
 * rows the restore took away.
 */
async function lost(acked: readonly Ack[], db = 'app'): Promise<Ack[]> {
  const present = new Set((await psql(db, 'select note from orders')).split('\n').filter(Boolean));
  return acked.filter((a) => !present.has(a.note));
}

/** Which of `notes` the backup `safety` holds (restored beside the live database to look). */
async function inSafetyBackup(safety: string, notes: readonly string[]): Promise<Set<string>> {
  const scratch = `rescued_${Date.now()}`;
  const r = await ripcord(['--config', stack.configPath, 'backups', 'restore', safety, '--into', scratch, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  try {
    const list = notes.map((n) => `'${n}'`).join(',') || "''";
    return new Set((await psql(scratch, `select note from orders where note in (${list})`)).split('\n').filter(Boolean));
  } finally {
    await psql('postgres', `drop database ${scratch}`);
  }
}

before(async () => {
  await requireDocker();
  stack = await createReferenceStack();
  configure('dump_restore');
  await stack.up();
  await psql('app', 'create table orders (id bigserial primary key, note text not null, at timestamptz not null default now())');
});

after(() => tearDownStack(stack));

describe('rollbacks under live traffic', () => {
  test('a good release (with a migration) loses no acknowledged write', async () => {
    const r = await deployUnderTraffic('v1.1.0');
    assert.equal(r.code, 0, r.out);
    assert.ok(r.acked.length > 20, `the writer kept writing (${r.acked.length} acknowledged)`);
    assert.deepEqual(await lost(r.acked), []);
  });

  test('a migration that fails inside its transaction: the database is kept and the old web, which the deploy never replaced, is never stopped', async () => {
    configure('dump_restore', true);
    await tagRelease(stack, MIGRATION_FAILS_IN_TRANSACTION.tag, MIGRATION_FAILS_IN_TRANSACTION.base, MIGRATION_FAILS_IN_TRANSACTION.files);
    const web = await webContainer();
    assert.match(web, / true$/, 'the old web runs before the deploy');
    const r = await deployUnderTraffic(MIGRATION_FAILS_IN_TRANSACTION.tag);
    assert.equal(r.code, 3, r.out);
    assert.equal(r.report.database?.action, 'kept', JSON.stringify(r.report.database));
    assert.equal(await webContainer(), web, 'the same web container, started once, before the deploy, and still running');
    assert.deepEqual(await lost(r.acked), [], 'every acknowledged row is in the live database');
  });

  for (const strategy of ['dump_restore', 'clone_swap'] as const) {
    test(`${strategy}: a release failing health with no new migration is rolled back with the database kept: no write lost`, async () => {
      configure(strategy);
      const r = await deployUnderTraffic('health-503');
      assert.equal(r.code, 3, r.out);
      const db = r.report.database;
      assert.equal(db?.action, 'kept', JSON.stringify(db));
      assert.match(db?.action === 'kept' ? db.why : '', /no migration changed the schema or the migrations table/);
      assert.ok(r.acked.length > 20, `the writer kept writing (${r.acked.length} acknowledged)`);
      assert.deepEqual(await lost(r.acked), [], 'every acknowledged row is in the live database');
    });

    test(`${strategy}: a migration that changes data then fails: data restored, the rows taken away counted exactly and kept in the safety backup`, async () => {
      configure(strategy);
      const before = await psql('app', 'select count(*) from items');
      const r = await deployUnderTraffic('migration-fails');
      assert.equal(r.code, 3, r.out);
      assert.equal(await psql('app', 'select count(*) from items'), before, 'the migration\'s changes are gone');
      const db = r.report.database;
      if (db?.action !== 'restored') return assert.fail(`expected a restore: ${JSON.stringify(db)}`);
      const gone = await lost(r.acked);
      assert.ok(gone.length > 0, `writes committed after the snapshot were taken away by the restore: ${JSON.stringify({ acked: r.acked.length, refused: r.refused, database: db })}`);
      assert.ok(db.safetyBackup, 'a safety backup holds them');
      assert.equal(db.keptIn, `safety backup ${db.safetyBackup}`);
      assert.equal(db.rowsUncounted, undefined, 'the live database is the one the snapshot was taken of: the rows are counted');
      // Committed rows the live database lacks: those the safety backup holds, and any acknowledged
      // row in neither. A write can commit and lose its answer, so every sent row is looked for.
      const live = new Set((await psql('app', 'select note from orders')).split('\n').filter(Boolean));
      const held = await inSafetyBackup(db.safetyBackup, r.sent);
      const inNoBackup = gone.filter((a) => !held.has(a.note)).map((a) => a.note);
      const missingFromLive = [...held].filter((note) => !live.has(note)).length + inNoBackup.length;
      const reported = db.rowsLost?.byTable['public.orders'];
      assert.deepEqual(inNoBackup, [], `every acknowledged row is in the live database or in the safety backup (reported ${reported}, missing from live ${missingFromLive})`);
      assert.equal(reported, missingFromLive, 'the report counts exactly the rows missing from the live database');
      assert.ok(missingFromLive - gone.length <= r.refused, `at most the unanswered writes are committed without an acknowledgement (${missingFromLive - gone.length} of ${r.refused})`);
    });
  }
});
