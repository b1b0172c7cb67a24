/**
 * Ripcord's records in its own PostgreSQL schema (`ripcord`), with its own migrations. They are
 * copied from the journals, never written instead of them: when the database is unreachable a
 * deploy still runs, and the next sync writes what was missed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { foldJournal, type JournalFacts } from '../domain/journal-facts.js';
import { readJournal } from '../state/journal.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

export async function withStore<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Applies migrations/*.sql not yet applied, each in its own transaction, under an advisory lock. */
export async function migrateStore(client: pg.Client): Promise<string[]> {
  await client.query('SELECT pg_advisory_lock(72611)');
  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS ripcord');
    await client.query('CREATE TABLE IF NOT EXISTS ripcord.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM ripcord.schema_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const name of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort()) {
      if (done.has(name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(new URL(name, MIGRATIONS_DIR), 'utf8'));
        await client.query('INSERT INTO ripcord.schema_migrations (name) VALUES ($1)', [name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(72611)');
  }
}

/** Copies every journal under stateDir whose size changed since the last sync. Returns how many were written. */
export async function syncJournals(client: pg.Client, stateDir: string): Promise<number> {
  const root = join(stateDir, 'journal');
  let written = 0;
  for (const env of safeList(root)) {
    for (const file of safeList(join(root, env)).filter((f) => f.endsWith('.jsonl'))) {
      const path = join(root, env, file);
      const size = statSync(path).size;
      const known = await client.query<{ journal_bytes: string }>('SELECT journal_bytes FROM ripcord.deployments WHERE id = $1', [file.replace(/\.jsonl$/, '')]);
      if (known.rows[0] && Number(known.rows[0].journal_bytes) === size) continue;
      const { entries } = await readJournal(path);
      if (entries.length === 0) continue;
      await writeDeployment(client, foldJournal(entries), size);
      written++;
    }
  }
  return written;
}

async function writeDeployment(client: pg.Client, f: JournalFacts, bytes: number): Promise<void> {
  const h = f.header;
  await client.query('BEGIN');
  try {
    await client.query(`INSERT INTO ripcord.deployments (id, environment, kind, ref, previous_sha, target_sha, state, reason, requested_by, host, started_at, last_event_at, finished, pre_deploy_backup, journal_bytes)
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
      ON CONFLICT (id) DO UPDATE SET previous_sha = EXCLUDED.previous_sha, target_sha = EXCLUDED.target_sha, state = EXCLUDED.state, reason = EXCLUDED.reason,
        last_event_at = EXCLUDED.last_event_at, finished = EXCLUDED.finished, pre_deploy_backup = EXCLUDED.pre_deploy_backup, journal_bytes = EXCLUDED.journal_bytes`,
    [h.id, h.env, h.kind, h.ref, f.previousSha, f.targetSha, f.state, f.stateReason, h.requestedBy ?? null, h.host, h.startedAt, f.lastAt, f.finished, f.preDeployBackup, bytes]);
    await client.query('DELETE FROM ripcord.stage_runs WHERE deployment_id = $1', [h.id]);
    const runs = [
      ...f.stages.map((s) => ({ phase: 'deploy', name: s.stage, startedAt: s.startedAt, finishedAt: s.finishedAt, outcome: s.outcome, reason: s.reason ?? null })),
      ...f.steps.map((s) => ({ phase: 'rollback', name: s.step, startedAt: s.startedAt, finishedAt: s.finishedAt, outcome: s.outcome ?? null, reason: s.reason ?? null })),
    ];
    for (const [seq, r] of runs.entries()) {
      await client.query('INSERT INTO ripcord.stage_runs (deployment_id, seq, phase, name, started_at, finished_at, outcome, reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
        [h.id, seq, r.phase, r.name, r.startedAt, r.finishedAt, r.outcome, r.reason]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
