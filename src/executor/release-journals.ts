/** Every journal of an environment, folded: what the release history and manual rollbacks read. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { foldJournal, type JournalFacts } from '../domain/journal-facts.js';
import { releaseHistory, type ReleaseHistory } from '../domain/release-history.js';
import { journalDir, readJournal } from '../state/journal.js';

/** Folded journals of `env`; damaged ones are skipped here (recovery and `ripcord status` report them). */
export async function readEnvironmentJournals(stateDir: string, env: string): Promise<JournalFacts[]> {
  const dir = journalDir(stateDir, env);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const folded: JournalFacts[] = [];
  for (const file of files) {
    try {
      const read = await readJournal(join(dir, file));
      if (read.entries.length > 0) folded.push(foldJournal(read.entries));
    } catch {
      // A damaged journal says nothing reliable about releases.
    }
  }
  return folded;
}

export async function loadReleaseHistory(stateDir: string, env: string): Promise<ReleaseHistory> {
  return releaseHistory(await readEnvironmentJournals(stateDir, env));
}
