/**
 * For incident tests: a ripcord.yml for one environment whose Slack is the local emulator, and a
 * failed deploy whose rollback failed, written by the real journal (state machine checked) and
 * reported by the real code that reports a finished journal (`reportOfJournal`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ripcordConfigSchema, type RipcordConfig } from '../../src/config/schema.js';
import type { OperationReport } from '../../src/domain/operation-report.js';
import { foldJournal } from '../../src/domain/journal-facts.js';
import { FACT } from '../../src/domain/journal-entry.js';
import { reportOfJournal } from '../../src/operations/journal-decision.js';
import { Journal, journalPath, newOperationId, readJournal } from '../../src/state/journal.js';

export interface IncidentRoot { root: string; stateDir: string; cleanup(): void }

export function tempIncidentRoot(): IncidentRoot {
  const root = mkdtempSync(join(tmpdir(), 'ripcord-incident-'));
  return { root, stateDir: join(root, 'state'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface IncidentConfigOptions {
  apiUrl?: string;
  botToken?: string;
  mode?: 'thread' | 'channel';
  level1?: string[];
  redisUrl?: string;
}

export function incidentConfig(r: IncidentRoot, o: IncidentConfigOptions = {}): RipcordConfig {
  return ripcordConfigSchema.parse({
    stateDir: r.stateDir,
    redis: { url: o.redisUrl ?? 'redis://127.0.0.1:6379' },
    slack: { ...(o.botToken ? { botToken: o.botToken } : {}), ...(o.apiUrl ? { apiUrl: o.apiUrl } : {}) },
    environments: {
      production: {
        appDir: join(r.root, 'app'),
        database: { url: 'postgres://app@127.0.0.1:5432/app' },
        backups: { dir: join(r.root, 'backups') },
        health: { url: 'http://127.0.0.1:9/health/' },
        notifications: { logFile: join(r.root, 'notifications.log') },
        slack: { channel: '#deploys', incidents: o.mode ?? 'thread', incidentsChannel: '#incidents' },
        contacts: { level1: { slack: o.level1 ?? ['U0DEV1', 'U0DEV2'], afterMinutes: 0 }, level2: { slack: ['U0LEAD'], afterMinutes: 15 } },
      },
    },
  });
}

/** A clock that moves one minute per reading, so every journal entry has its own, known time. */
export function steppingClock(start = Date.parse('2026-11-30T10:00:00.000Z')) {
  let t = start;
  return { now: () => new Date((t += 60_000)) };
}

/**
 * A deploy of v1.1.0 whose health check failed and whose rollback reset the code, then could not
 * start the previous images. Returns the report the worker or the CLI would notify.
 */
export async function failedRollbackReport(stateDir: string, id = newOperationId()): Promise<OperationReport> {
  const journal = await Journal.create(stateDir, { id, kind: 'deploy', env: 'production', ref: 'v1.1.0', targetSha: null, previousSha: null, previousImages: {}, requestedBy: '@alice via slack' }, { clock: steppingClock() });
  await journal.append({ type: 'stage_started', stage: 'preflight' });
  await journal.append({ type: 'fact', key: FACT.previousSha, value: 'a'.repeat(40) });
  await journal.append({ type: 'fact', key: FACT.previousImages, value: { web: 'sha256:1111' } });
  await journal.append({ type: 'stage_finished', stage: 'preflight', outcome: 'ok' });
  await journal.append({ type: 'stage_started', stage: 'fetch' });
  await journal.append({ type: 'fact', key: FACT.targetSha, value: 'b'.repeat(40) });
  await journal.append({ type: 'stage_finished', stage: 'fetch', outcome: 'ok' });
  await journal.append({ type: 'stage_started', stage: 'up' });
  await journal.append({ type: 'stage_finished', stage: 'up', outcome: 'failed', reason: 'web exited 1: cannot import name settings' });
  await journal.append({ type: 'state', state: 'rolling_back', reason: 'up failed' });
  await journal.append({ type: 'step_started', step: 'git_reset' });
  await journal.append({ type: 'step_finished', step: 'git_reset', outcome: 'ok' });
  await journal.append({ type: 'step_started', step: 'start_previous_images' });
  await journal.append({ type: 'step_finished', step: 'start_previous_images', outcome: 'failed', reason: 'image sha256:1111 no longer exists' });
  await journal.append({ type: 'state', state: 'rollback_failed', reason: 'start_previous_images failed' });
  await journal.close();
  return reportOfJournal(foldJournal((await readJournal(journalPath(stateDir, 'production', id))).entries));
}
