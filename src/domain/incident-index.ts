/**
 * The incident index, pure: which incidents are unresolved, and which incident each operation
 * opened. The store keeps it in one small file beside the incidents so that opening an incident
 * and the escalation sweep read a handful of files instead of every incident ever opened; it can
 * always be rebuilt from the incident files ({@link indexFromIncidents}), which stay the truth.
 *
 * `unresolved` may name a few more incidents than are unresolved (a crash between writing an
 * incident as resolved and removing it here; an entry added just before its file is written), so
 * a reader checks each incident's own state. It never names fewer: an entry is added before an
 * incident's file is first written and removed only after the file says resolved.
 */
import { INCIDENT_ID, type Incident } from './incident.js';

export interface IncidentIndexEntry {
  environment: string;
  openedAt: string;
}

export interface IncidentIndex {
  version: 1;
  unresolved: Record<string, IncidentIndexEntry>;
  /**
   * `<environment> <operation ID>` → the incident it opened, resolved or not: one incident per
   * failure, even when a recovery of the operation comes after the incident was resolved.
   */
  operations: Record<string, string>;
}

export const emptyIncidentIndex = (): IncidentIndex => ({ version: 1, unresolved: {}, operations: {} });

export const operationKey = (environment: string, operationId: string): string => `${environment} ${operationId}`;

export function indexFromIncidents(incidents: Iterable<Incident>): IncidentIndex {
  let index = emptyIncidentIndex();
  for (const incident of incidents) {
    index = withIncidentOpened(index, incident);
    if (incident.state === 'resolved') index = withIncidentResolved(index, incident.id);
  }
  return index;
}

/** The index with `incident` as unresolved and as its operation's incident. */
export function withIncidentOpened(index: IncidentIndex, incident: Pick<Incident, 'id' | 'environment' | 'openedAt' | 'operationId'>): IncidentIndex {
  const operations = incident.operationId === null
    ? index.operations
    : { ...index.operations, [operationKey(incident.environment, incident.operationId)]: incident.id };
  return { ...index, unresolved: { ...index.unresolved, [incident.id]: { environment: incident.environment, openedAt: incident.openedAt } }, operations };
}

/** The index without `id` among the unresolved; the same object when it was not there (nothing to write). */
export function withIncidentResolved(index: IncidentIndex, id: string): IncidentIndex {
  if (!Object.hasOwn(index.unresolved, id)) return index;
  const { [id]: _gone, ...unresolved } = index.unresolved;
  return { ...index, unresolved };
}

/** IDs of the incidents the index has as unresolved (of `environment`, when given), newest first. */
export function unresolvedIds(index: IncidentIndex, environment?: string): string[] {
  return Object.entries(index.unresolved)
    .filter(([, e]) => environment === undefined || e.environment === environment)
    .sort(([a, x], [b, y]) => y.openedAt.localeCompare(x.openedAt) || b.localeCompare(a))
    .map(([id]) => id);
}

/** The incident `operationId` opened in `environment`, if the index has one. */
export function incidentOfOperation(index: IncidentIndex, environment: string, operationId: string): string | null {
  const key = operationKey(environment, operationId);
  return Object.hasOwn(index.operations, key) ? index.operations[key]! : null;
}

/** The index in a file's text, or null when the text is not one (then it is rebuilt, never guessed at). */
export function parseIncidentIndex(text: string): IncidentIndex | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const o = parsed as Partial<IncidentIndex> | null;
  if (!o || typeof o !== 'object' || o.version !== 1 || !isRecord(o.unresolved) || !isRecord(o.operations)) return null;
  const entriesOk = Object.entries(o.unresolved).every(([id, e]) => INCIDENT_ID.test(id) && isRecord(e)
    && typeof (e as IncidentIndexEntry).environment === 'string' && typeof (e as IncidentIndexEntry).openedAt === 'string');
  const operationsOk = Object.values(o.operations).every((id) => typeof id === 'string' && INCIDENT_ID.test(id));
  return entriesOk && operationsOk ? { version: 1, unresolved: o.unresolved, operations: o.operations } : null;
}

export const serializeIncidentIndex = (index: IncidentIndex): string => `${JSON.stringify(index)}\n`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
