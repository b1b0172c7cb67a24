/** Removes the finished journals the retention rule lets go (domain/journal-retention.ts). */
import { journalPath } from '../state/journal.js';
import { removeIfExists } from '../state/durable-fs.js';
import { discardOperationEnv } from '../state/operation-env.js';
import { journalsToPrune } from '../domain/journal-retention.js';
import { readEnvironmentJournals } from './release-journals.js';

/** Under the environment lock (a deploy's preflight): nothing else writes these journals then. Returns the IDs removed. */
export async function pruneJournals(stateDir: string, env: string): Promise<string[]> {
  const ids = journalsToPrune(await readEnvironmentJournals(stateDir, env));
  for (const id of ids) {
    const path = journalPath(stateDir, env, id);
    await discardOperationEnv(path);
    await removeIfExists(path);
  }
  return ids;
}
