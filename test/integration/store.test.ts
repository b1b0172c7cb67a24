/**
 * Ripcord's own records on real PostgreSQL: migrations apply once, journals are copied with their
 * stages and rollback steps, unchanged journals are skipped, and records missed while the database
 * was unreachable are written by the next sync.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { Journal } from '../../src/state/journal.js';
import { migrateStore, syncJournals, withStore } from '../../src/store/pg-store.js';
import { syncRecords } from '../../src/store/sync-records.js';
import type { RipcordConfig } from '../../src/config/schema.js';
import { requirePostgres } from '../support/require-services.js';
import { freePort } from '../support/stack/stack-helpers.js';

const dbName = `ripcord_store_${randomBytes(4).toString('hex')}`;
const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const stateDir = mkdtempSync(join(tmpdir(), 'ripcord-store-'));

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

before(async () => {
  await requirePostgres();
  await admin(`CREATE DATABASE ${dbName}`);
});

after(async () => {
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  rmSync(stateDir, { recursive: true, force: true });
});

async function rolledBackJournal(id: string): Promise<Journal> {
  const j = await Journal.create(stateDir, { id, kind: 'deploy', env: 'production', ref: 'v2', targetSha: null, previousSha: 'a'.repeat(40), previousImages: { web: 'sha256:1' }, requestedBy: 'alice via cli' });
  for (const stage of ['preflight', 'fetch', 'build', 'backup', 'migrate'] as const) {
    await j.append({ type: 'stage_started', stage });
    await j.append({ type: 'stage_finished', stage, outcome: stage === 'migrate' ? 'failed' : 'ok', ...(stage === 'migrate' ? { reason: 'migrate: boom' } : {}) });
  }
  await j.append({ type: 'fact', key: 'preDeployBackup', value: 'backup_20261122_100000.dump' });
  await j.append({ type: 'state', state: 'rolling_back', reason: 'migrate: boom' });
  await j.append({ type: 'step_started', step: 'git_reset' });
  await j.append({ type: 'step_finished', step: 'git_reset', outcome: 'ok' });
  return j;
}

test('journals become deployment and stage records; unchanged ones are skipped', async () => {
  const j = await rolledBackJournal('20261122T100000Z-aaaaaa');
  await withStore(url, async (client) => {
    assert.deepEqual(await migrateStore(client), ['001_deployments.sql', '002_audit.sql']);
    assert.deepEqual(await migrateStore(client), [], 'migrations apply once');
    assert.equal(await syncJournals(client, stateDir), 1);
    const d = (await client.query('SELECT * FROM ripcord.deployments')).rows[0] as Record<string, unknown>;
    assert.equal(d.state, 'rolling_back');
    assert.equal(d.finished, false);
    assert.equal(d.pre_deploy_backup, 'backup_20261122_100000.dump');
    assert.equal(d.requested_by, 'alice via cli');
    const runs = (await client.query('SELECT phase, name, outcome FROM ripcord.stage_runs ORDER BY seq')).rows as Array<Record<string, unknown>>;
    assert.deepEqual(runs.map((r) => `${String(r.phase)}:${String(r.name)}:${String(r.outcome)}`), [
      'deploy:preflight:ok', 'deploy:fetch:ok', 'deploy:build:ok', 'deploy:backup:ok', 'deploy:migrate:failed', 'rollback:git_reset:ok',
    ]);
    assert.equal(await syncJournals(client, stateDir), 0, 'an unchanged journal is not written again');
    await j.append({ type: 'state', state: 'rolled_back' });
    assert.equal(await syncJournals(client, stateDir), 1);
    assert.equal((await client.query('SELECT state, finished FROM ripcord.deployments')).rows[0].state, 'rolled_back');
  });
  await j.close();
});

test('while PostgreSQL is unreachable nothing is lost: the next sync writes the records', async () => {
  const j = await rolledBackJournal('20261122T110000Z-bbbbbb');
  await j.append({ type: 'state', state: 'rolled_back' });
  await j.close();
  const down = { stateDir, store: { databaseUrl: `postgres://postgres:secret@127.0.0.1:${await freePort()}/x` } } as unknown as RipcordConfig;
  const failed = await syncRecords(down);
  assert.ok(failed?.error, 'the failure is reported');
  assert.doesNotMatch(failed.error, /secret/);
  const up = await syncRecords({ stateDir, store: { databaseUrl: url } } as unknown as RipcordConfig);
  assert.deepEqual(up, { written: 1, error: null });
  await withStore(url, async (client) => {
    assert.equal((await client.query("SELECT count(*)::int AS n FROM ripcord.deployments WHERE state = 'rolled_back'")).rows[0].n, 2);
  });
});
