/**
 * The incident index on disk, `<stateDir>/incidents/index.json` (src/domain/incident-index.ts):
 * read without a lock (it is only ever replaced whole, by rename), changed under its own lock,
 * and rebuilt from the incident files when it is missing (first start after an upgrade, or a
 * person deleted it to have it rebuilt) or cannot be read as an index.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Incident } from '../domain/incident.js';
import { indexFromIncidents, parseIncidentIndex, serializeIncidentIndex, type IncidentIndex } from '../domain/incident-index.js';
import { replaceAtomically } from '../state/durable-fs.js';
import type { ScopedLocks } from './scoped-locks.js';

const INDEX_LOCK = 'incident index';

export class IncidentIndexFile {
  readonly path: string;

  constructor(
    dir: string,
    private readonly locks: ScopedLocks,
    /** Every incident on disk, for a rebuild. */
    private readonly readAll: () => Promise<Incident[]>,
    private readonly log?: Logger,
  ) {
    this.path = join(dir, 'index.json');
  }

  /** The index as it is on disk; rebuilt first when it is missing or unreadable. */
  async read(): Promise<IncidentIndex> {
    return (await this.readFile()) ?? this.locks.with(INDEX_LOCK, async () => (await this.readFile()) ?? this.rebuildHoldingLock());
  }

  /** Read, change, write under the index's lock; `change` returning the same object writes nothing. */
  async change(change: (index: IncidentIndex) => IncidentIndex): Promise<IncidentIndex> {
    return this.locks.with(INDEX_LOCK, async () => {
      const current = (await this.readFile()) ?? (await this.rebuildHoldingLock());
      const next = change(current);
      if (next !== current) await replaceAtomically(this.path, serializeIncidentIndex(next), 0o600);
      return next;
    });
  }

  private async rebuildHoldingLock(): Promise<IncidentIndex> {
    const index = indexFromIncidents(await this.readAll());
    await replaceAtomically(this.path, serializeIncidentIndex(index), 0o600);
    this.log?.info({ path: this.path, unresolved: Object.keys(index.unresolved).length }, 'incident index rebuilt from the incident files');
    return index;
  }

  /** Null when missing or not an index (a half-written file cannot happen: writes are renames). */
  private async readFile(): Promise<IncidentIndex | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const index = parseIncidentIndex(text);
    if (!index) this.log?.warn({ path: this.path }, 'incident index unreadable: rebuilding it from the incident files');
    return index;
  }
}
