/**
 * Incidents on the executor's disk: one JSON file per incident, `<stateDir>/incidents/<id>.json`,
 * replaced atomically (temp file, fsync, rename, directory fsync). Every change is a
 * read-modify-write under one file lock (`<stateDir>/incidents/locks/incidents.lock`, the same
 * lock code as the environment lock), so the bot, the executor and the break-glass CLI — separate
 * processes, no Redis needed — never overwrite each other's change.
 *
 * The lifecycle functions here (acknowledge, resolve, escalateNow, setSeverity) are what the
 * Slack commands and buttons, the escalation timers and `ripcord incidents` call.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, RipcordError } from '../domain/errors.js';
import {
  acknowledge, escalate, incidentForOperation, incidentId, INCIDENT_ID, openIncident, placeInSlack, resolve, setSeverity,
  type Incident, type OpenIncidentInput, type Severity, type SlackPlacement,
} from '../domain/incident.js';
import { renderIncidentReport } from '../domain/incident-report.js';
import { systemClock, type Clock } from '../domain/ports.js';
import { replaceAtomically } from '../state/durable-fs.js';
import { EnvironmentLocks, type LockHandle } from '../state/environment-lock.js';

export interface IncidentStoreOptions {
  clock?: Clock;
  /** How long a change waits for another process's change to finish. */
  lockWaitMs?: number;
}

const LOCK_NAME = 'incidents';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class IncidentNotFoundError extends RipcordError {
  constructor(id: string, dir: string) {
    super('not_found', `no incident ${JSON.stringify(id)} in ${dir}`, 'list them with `ripcord incidents list` (or `/incident list`) and use an ID from there', ExitCode.refused);
  }
}

export class IncidentStore {
  readonly dir: string;
  private readonly clock: Clock;
  private readonly locks: EnvironmentLocks;
  private readonly lockWaitMs: number;

  constructor(stateDir: string, options: IncidentStoreOptions = {}) {
    this.dir = join(stateDir, 'incidents');
    this.clock = options.clock ?? systemClock;
    this.locks = new EnvironmentLocks(this.dir, { clock: this.clock });
    this.lockWaitMs = options.lockWaitMs ?? 15_000;
  }

  path(id: string): string {
    if (!INCIDENT_ID.test(id)) {
      throw new RipcordError('bad_input', `${JSON.stringify(id)} is not an incident ID`, 'use an ID such as inc-20261130-production-3f9a from `ripcord incidents list`', ExitCode.refused);
    }
    return join(this.dir, `${id}.json`);
  }

  async get(id: string): Promise<Incident> {
    const found = await this.read(this.path(id));
    if (!found) throw new IncidentNotFoundError(id, this.dir);
    return found;
  }

  /** Newest first; `environment` and `state` filter. */
  async list(filter: { environment?: string; state?: Incident['state'] | 'unresolved' } = {}): Promise<Incident[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json') && INCIDENT_ID.test(n.slice(0, -5)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const all = (await Promise.all(names.map((n) => this.read(join(this.dir, n))))).filter((i): i is Incident => i !== null);
    return all
      .filter((i) => !filter.environment || i.environment === filter.environment)
      .filter((i) => !filter.state || (filter.state === 'unresolved' ? i.state !== 'resolved' : i.state === filter.state))
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  }

  /**
   * Opens an incident, or returns the one this operation already has (`created: false`): a
   * retried event, a redelivered job or a recovery of the same operation opens no second one.
   */
  async open(input: Omit<OpenIncidentInput, 'id'>): Promise<{ incident: Incident; created: boolean }> {
    return this.exclusively(async () => {
      const existing = incidentForOperation(await this.list({ environment: input.environment }), input.operationId);
      if (existing) return { incident: existing, created: false };
      const now = this.clock.now();
      const incident = openIncident({ ...input, id: incidentId(now, input.environment, randomBytes(2).toString('hex')) }, now);
      await this.write(incident);
      return { incident, created: true };
    });
  }

  /** Read, change, write under the lock; `change` returning the same object writes nothing. */
  async update(id: string, change: (incident: Incident, now: Date) => Incident): Promise<Incident> {
    return this.exclusively(async () => {
      const current = await this.get(id);
      const next = change(current, this.clock.now());
      if (next !== current) await this.write(next);
      return next;
    });
  }

  acknowledge(id: string, by: string): Promise<Incident> {
    return this.update(id, (i, now) => acknowledge(i, by, now));
  }

  /** Resolves and fills in the report (stored with the incident). Resolving twice is a no-op. */
  resolve(id: string, by: string): Promise<Incident> {
    return this.update(id, (i, now) => resolve(i, by, now, renderIncidentReport));
  }

  /** Records that the next level is paged now; `maxLevel` is the last configured contact level. */
  escalateNow(id: string, by: string, maxLevel = 3): Promise<Incident> {
    return this.update(id, (i, now) => escalate(i, by, now, maxLevel));
  }

  setSeverity(id: string, severity: Severity, by: string): Promise<Incident> {
    return this.update(id, (i, now) => setSeverity(i, severity, by, now));
  }

  placeInSlack(id: string, slack: SlackPlacement): Promise<Incident> {
    return this.update(id, (i) => placeInSlack(i, slack));
  }

  private async read(path: string): Promise<Incident | null> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = JSON.parse(text) as Incident;
    if (typeof parsed?.id !== 'string' || typeof parsed.environment !== 'string' || !Array.isArray(parsed.timeline)) {
      throw new RipcordError('precondition_failed', `incident file ${path} is not an incident`, 'move it out of the incidents directory and run the command again', ExitCode.failed);
    }
    return parsed;
  }

  private async write(incident: Incident): Promise<void> {
    await replaceAtomically(this.path(incident.id), `${JSON.stringify(incident, null, 2)}\n`, 0o600);
  }

  /** The lock does not wait by itself (a deploy must not queue behind another): here, changes do. */
  private async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const deadline = Date.now() + this.lockWaitMs;
    let lock: LockHandle | null = null;
    while (!lock) {
      try {
        lock = await this.locks.acquire(LOCK_NAME, { operation: 'incident change', deploymentId: '-' });
      } catch (error) {
        if ((error as { code?: string }).code !== 'lock_held' || Date.now() > deadline) throw error;
        await pause(10 + Math.random() * 20);
      }
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}
