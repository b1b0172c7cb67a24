/**
 * Incidents on the executor's disk: one JSON file per incident, `<stateDir>/incidents/<id>.json`,
 * replaced atomically (temp file, fsync, rename, directory fsync), and an index of the unresolved
 * ones and of each operation's incident (`index.json`, src/incidents/incident-index-file.ts).
 * Every change is a read-modify-write under a lock scoped to what it changes
 * (src/incidents/scoped-locks.ts): the incident's own, the operation's when opening, the index's
 * when an incident opens or resolves — so the bot, the executor and the break-glass CLI, separate
 * processes with no Redis needed, never overwrite each other's change, and one incident's
 * escalation steps never wait for another's.
 *
 * The lifecycle functions here (acknowledge, resolve, escalateNow, setSeverity) are what the
 * Slack commands and buttons, the escalation timers and `ripcord incidents` call.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, RipcordError } from '../domain/errors.js';
import {
  acknowledge, escalate, incidentId, INCIDENT_ID, openIncident, placeInSlack, resolve, setSeverity,
  type Incident, type OpenIncidentInput, type Severity, type SlackPlacement,
} from '../domain/incident.js';
import { incidentOfOperation, operationKey, unresolvedIds, withIncidentOpened, withIncidentResolved } from '../domain/incident-index.js';
import { renderIncidentReport } from '../domain/incident-report.js';
import { systemClock, type Clock } from '../domain/ports.js';
import { replaceAtomically } from '../state/durable-fs.js';
import { IncidentIndexFile } from './incident-index-file.js';
import { ScopedLocks } from './scoped-locks.js';

export interface IncidentStoreOptions {
  clock?: Clock;
  /** How long a change waits for another process's change to finish. */
  lockWaitMs?: number;
}

export class IncidentNotFoundError extends RipcordError {
  constructor(id: string, dir: string) {
    super('not_found', `no incident ${JSON.stringify(id)} in ${dir}`, 'list them with `ripcord incidents list` (or `/incident list`) and use an ID from there', ExitCode.refused);
  }
}

export class IncidentStore {
  readonly dir: string;
  readonly index: IncidentIndexFile;
  private readonly clock: Clock;
  private readonly locks: ScopedLocks;

  constructor(stateDir: string, options: IncidentStoreOptions = {}) {
    this.dir = join(stateDir, 'incidents');
    this.clock = options.clock ?? systemClock;
    this.locks = new ScopedLocks(this.dir, options.lockWaitMs ?? 15_000, this.clock);
    this.index = new IncidentIndexFile(this.dir, this.locks, () => this.readAll());
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

  /** Newest first; `environment` and `state` filter. Unresolved ones come from the index, not from every file. */
  async list(filter: { environment?: string; state?: Incident['state'] | 'unresolved' } = {}): Promise<Incident[]> {
    const { environment, state } = filter;
    const candidates = state === 'resolved' || state === undefined
      ? await this.readAll()
      : (await Promise.all(unresolvedIds(await this.index.read(), environment).map((id) => this.read(this.path(id))))).filter((i): i is Incident => i !== null);
    return candidates
      .filter((i) => !environment || i.environment === environment)
      .filter((i) => !state || (state === 'unresolved' ? i.state !== 'resolved' : i.state === state))
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  }

  /**
   * Opens an incident, or returns the one this operation already has (`created: false`): a
   * retried event, a redelivered job or a recovery of the same operation opens no second one.
   * Processes opening the same operation take turns on that operation's lock; others do not wait.
   */
  async open(input: Omit<OpenIncidentInput, 'id'>): Promise<{ incident: Incident; created: boolean }> {
    const { environment, operationId } = input;
    if (operationId === null) return { incident: await this.create(input), created: true };
    const known = await this.ofOperation(environment, operationId);
    if (known) return { incident: known, created: false };
    return this.locks.with(`incident of operation ${operationKey(environment, operationId)}`, async () => {
      const id = incidentOfOperation(await this.index.read(), environment, operationId);
      const existing = id ? await this.read(this.path(id)) : null;
      if (existing) return { incident: existing, created: false };
      // An ID without its file: the process that opened it stopped between the two writes. Open it now, under that ID.
      return { incident: await this.create(input, id ?? undefined), created: true };
    });
  }

  /** Read, change, write under the incident's own lock; `change` returning the same object writes nothing. */
  async update(id: string, change: (incident: Incident, now: Date) => Incident): Promise<Incident> {
    const next = await this.locks.with(`incident ${id}`, async () => {
      const current = await this.get(id);
      const changed = change(current, this.clock.now());
      if (changed !== current) await this.write(changed);
      return changed;
    });
    // After the file says resolved, never before: the index must not miss an unresolved incident.
    if (next.state === 'resolved' && Object.hasOwn((await this.index.read()).unresolved, id)) {
      await this.index.change((index) => withIncidentResolved(index, id));
    }
    return next;
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

  /** Every incident file, read in parallel (for a full listing and an index rebuild only). */
  private async readAll(): Promise<Incident[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json') && INCIDENT_ID.test(n.slice(0, -5)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return (await Promise.all(names.map((n) => this.read(join(this.dir, n))))).filter((i): i is Incident => i !== null);
  }

  /** The incident `operationId` opened, found through the index without a lock; null when none (yet). */
  private async ofOperation(environment: string, operationId: string): Promise<Incident | null> {
    const id = incidentOfOperation(await this.index.read(), environment, operationId);
    return id ? this.read(this.path(id)) : null;
  }

  /** A new incident: in the index first, so no reader of the index can miss it once its file exists. */
  private async create(input: Omit<OpenIncidentInput, 'id'>, id?: string): Promise<Incident> {
    const now = this.clock.now();
    const incident = openIncident({ ...input, id: id ?? incidentId(now, input.environment, randomBytes(2).toString('hex')) }, now);
    await this.index.change((index) => withIncidentOpened(index, incident));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.write(incident);
    return incident;
  }
}
