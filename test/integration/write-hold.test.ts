/**
 * A rollback's hold on writes (executor/write-hold.ts, backups/database-hold.ts) against the real
 * local PostgreSQL in URL mode, with the superuser the reference app uses: while held, no session
 * reaches the database by its name, Ripcord counts and dumps it under the held name; a restore that
 * fails gives it back; a run resumed after a crash goes on from a journaled hold, a stale one is
 * given back first, and recovery gives back one a rollback left behind. The app's own containers
 * are stopped by the executor (covered by rollback-traffic.test.ts); here there is no app to stop.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { accessOf } from '../../src/backups/access.js';
import { createBackup } from '../../src/backups/index.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';
import { FACT } from '../../src/domain/journal-entry.js';
import type { RestoreDecisionFact } from '../../src/domain/database-change.js';
import { decideRestore, heldName, restoreOverHold, type StrategyContext } from '../../src/executor/database-rollback.js';
import { HOLD_FACT, openWriteHold, releaseLeftHold } from '../../src/executor/write-hold.js';
import { environmentFor, psql, tempBackupDir, tempDatabase, type TempDatabase } from '../support/backup-fixtures.js';
import { requirePostgres } from '../support/require-services.js';

let db: TempDatabase;
let files: ReturnType<typeof tempBackupDir>;
let env: EnvironmentConfig;

before(async () => {
  await requirePostgres();
  db = await tempDatabase();
  files = tempBackupDir();
  env = environmentFor({ url: db.url }, files.dir);
});

after(async () => {
  await db?.drop();
  files?.cleanup();
});

/** A rollback step's view of its journal: `facts` is the journal, `record` appends to it. */
function strategyContext(facts: Record<string, unknown>): StrategyContext {
  return {
    env, facts, access: () => accessOf(env), migrate: 'failed', requested: true,
    record: (key, value) => { facts[key] = value; return Promise.resolve(); },
    stopApp: () => Promise.resolve([]),
  };
}

const reachable = (name: string) => psql(name, 'select 1').then(() => 'yes', (e: Error) => e.message);

async function session(): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: db.name });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('holding writes for a restore', () => {
  test('held: a superuser session is ended and cannot come back; Ripcord counts under the held name; a failed restore gives the database back', async () => {
    const backup = await createBackup(env, { kind: 'manual' });
    await psql(db.name, "insert into orders (note) values ('after the backup')");
    const open = await session();
    const journal: Record<string, unknown> = {};
    const { ctx, writes } = await openWriteHold(strategyContext(journal), heldName(db.name));
    const decision = await decideRestore(ctx, backup.name, writes);
    assert.deepEqual(decision.rowsWritten?.['public.orders'], 1, JSON.stringify(decision));
    await assert.rejects(open.query('select 1'), 'the open session was ended');
    await open.end().catch(() => undefined);
    assert.match(await reachable(db.name), /does not exist/);
    assert.equal(await reachable(heldName(db.name)), 'yes');
    const hold = journal[HOLD_FACT] as { database: string; heldAs: string; oid: number; released?: boolean };
    assert.deepEqual([hold.database, hold.heldAs, typeof hold.oid, hold.released], [db.name, heldName(db.name), 'number', undefined], 'journaled before it acted');

    appendFileSync(backup.path, 'corrupt');
    await assert.rejects(restoreOverHold(ctx, writes, backup.name), /failed verification/);
    assert.equal(await reachable(db.name), 'yes', 'given back under its name');
    assert.equal(await psql('postgres', `select datallowconn::text || count(*) over () from pg_database where datname in ('${db.name}', '${heldName(db.name)}')`), 'true1');
    assert.equal(await psql(db.name, "select count(*) from orders where note = 'after the backup'"), '1');
    assert.equal((journal[HOLD_FACT] as { released?: boolean }).released, true);
    assert.equal(typeof journal[FACT.safetyBackup], 'string', 'the safety backup was taken under the hold');
  });

  test('resumed after a crash: a journaled hold is gone on from; one taken before the decision was journaled is given back first; recovery gives back what is left', async () => {
    const backup = await createBackup(env, { kind: 'manual' });
    const journal: Record<string, unknown> = {};
    const first = await openWriteHold(strategyContext(journal), heldName(db.name));
    await first.writes.hold();
    // Cut short before the decision was journaled: the next run gives the hold back and decides again.
    const second = await openWriteHold(strategyContext({ ...journal }), heldName(db.name));
    assert.equal(await reachable(db.name), 'yes');
    assert.equal(second.ctx.facts[HOLD_FACT], undefined);

    const decided: Record<string, unknown> = {};
    const third = await openWriteHold(strategyContext(decided), heldName(db.name));
    assert.equal((await decideRestore(third.ctx, backup.name, third.writes) as RestoreDecisionFact).restore, true);
    // Cut short after deciding: the run that resumes finds the database held and keeps the hold.
    const resumed = await openWriteHold(strategyContext({ ...decided }), heldName(db.name));
    assert.equal((await resumed.writes.hold()).state, 'held');
    assert.match(await reachable(db.name), /does not exist/);
    assert.equal(await releaseLeftHold(decided, () => accessOf(env)), true, 'recovery renamed it back');
    assert.equal(await reachable(db.name), 'yes');
    assert.equal(await releaseLeftHold(decided, () => accessOf(env)), false, 'and doing it again changes nothing');
  });
});
