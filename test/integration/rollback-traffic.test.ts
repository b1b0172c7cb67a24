/**
 * Rollbacks under live traffic, on the reference stack: a client commits one row through the app
 * every 100 ms for the whole deploy and keeps its own log of what was acknowledged. A failed
 * release whose migrations changed nothing loses no acknowledged write (the database is kept);
 * one whose migration changed data and then failed gets the database restored, and the report
 * names exactly the rows that restore took away — checked against the client's log — and the
 * safety backup that still holds them. Both database strategies; a good release loses nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { ripcord } from '../support/cli.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { tearDownStack } from '../support/stack/teardown.js';
import { run } from '../support/stack/stack-helpers.js';
import { startWriter, type Ack } from '../support/writer.js';
import type { DatabaseRollback } from '../../src/domain/operation-report.js';

let stack: ReferenceStack;

interface Report { outcome: string; reason?: string; database?: DatabaseRollback }

const psql = (db: string, sql: string) => run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], '/', 60_000);

function configure(strategy: 'dump_restore' | 'clone_swap'): void {
  stack.writeConfig({
    database: { service: 'db', name: 'app', user: 'postgres', rollbackStrategy: strategy },
    health: { url: stack.healthUrl, retries: 4, delaySeconds: 1, timeoutSeconds: 3 },
  });
}

/** Deploys `ref` while the writer runs from before the deploy until after it ended. */
async function deployUnderTraffic(ref: string): Promise<{ code: number | null; report: Report; acked: Ack[]; sent: string[]; refused: number; out: string }> {
  const writer = startWriter(stack.webPort, 100);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const r = await ripcord(['--config', stack.configPath, 'deploy', ref, '--yes', '--json']);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await writer.stop();
  return { code: r.code, report: JSON.parse(r.stdout) as Report, acked: writer.acked, sent: writer.sent, refused: writer.refused, out: r.stdout + r.stderr };
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
      const notes = await psql('app', 'select count(*) from orders');
      assert.ok(gone.length > 0, `writes committed after the snapshot were taken away by the restore: ${JSON.stringify({ acked: r.acked.length, first: r.acked[0], last: r.acked.at(-1), refused: r.refused, rows: notes, database: db })}`);
      assert.ok(db.safetyBackup, 'a safety backup holds them');
      assert.equal(db.keptIn, `safety backup ${db.safetyBackup}`);
      // What the restore took away is every committed row the live database lacks — acknowledged
      // or not: a write the stopping app committed may never have answered the client.
      const live = new Set((await psql('app', 'select note from orders')).split('\n').filter(Boolean));
      const held = await inSafetyBackup(db.safetyBackup, r.sent);
      const takenAway = [...held].filter((note) => !live.has(note));
      assert.deepEqual(gone.filter((a) => !held.has(a.note)), [], 'every acknowledged row taken away is in the safety backup');
      assert.equal(db.rowsUncounted, undefined, 'the live database is the one the snapshot was taken of: the rows are counted');
      assert.equal(db.rowsLost?.byTable['public.orders'], takenAway.length, 'the report counts exactly the committed rows the restore took away');
      assert.ok(takenAway.length - gone.length <= r.refused, `at most the unanswered writes are committed without an acknowledgement (${takenAway.length - gone.length} of ${r.refused})`);
    });
  }
});
