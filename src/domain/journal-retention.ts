/**
 * Which finished journals a prune removes (docs/OPERATIONS.md "Journals"). Kept: every unfinished
 * journal (recovery needs it), the newest KEEP_FINISHED finished ones, and — however old — the
 * journals of the newest KEEP_RELEASE_CHANGES release changes, which are what the release history
 * (`rollback quick`, the menu, `release-history`) reads to know which releases ran and their images.
 */
import type { JournalFacts } from './journal-facts.js';
import { releaseHistory } from './release-history.js';

export const KEEP_FINISHED = 200;
export const KEEP_RELEASE_CHANGES = 20;

/** Operation IDs whose journals may go, oldest first. */
export function journalsToPrune(journals: readonly JournalFacts[], keepFinished = KEEP_FINISHED, keepChanges = KEEP_RELEASE_CHANGES): string[] {
  const finished = journals.filter((j) => j.finished).sort((a, b) => a.header.startedAt.localeCompare(b.header.startedAt));
  const keep = new Set(finished.slice(Math.max(0, finished.length - keepFinished)).map((j) => j.header.id));
  for (const change of releaseHistory(journals).changes.slice(-keepChanges)) keep.add(change.operationId);
  return finished.map((j) => j.header.id).filter((id) => !keep.has(id));
}
