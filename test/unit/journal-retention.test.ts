/** Which finished journals a prune removes: never an unfinished one, never the newest, never a recent release change. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldJournal } from '../../src/domain/journal-facts.js';
import { FACT, type JournalEntry } from '../../src/domain/journal-entry.js';
import { journalsToPrune } from '../../src/domain/journal-retention.js';

const sha = (n: number) => String(n).padStart(40, '0');

/** Operation n at minute n: a deploy from release n-1 to n ending in `state` (null: still running). */
function deploy(n: number, state: 'succeeded' | 'rolled_back' | null) {
  const at = `2026-11-01T10:${String(n).padStart(2, '0')}:00.000Z`;
  const entries: JournalEntry[] = [
    { type: 'header', version: 1, id: `op-${n}`, kind: 'deploy', env: 'production', ref: `v${n}`, targetSha: null, previousSha: null, previousImages: {}, startedAt: at, pid: 1, host: 'h' },
    { type: 'stage_started', stage: 'preflight', at },
    { type: 'fact', key: FACT.previousSha, value: sha(n - 1), at },
    { type: 'fact', key: FACT.targetSha, value: sha(n), at },
    ...(state ? [{ type: 'state', state, at } as JournalEntry] : []),
  ];
  return foldJournal(entries);
}

test('keeps unfinished journals, the newest finished ones and the newest release changes; removes the rest oldest first', () => {
  const journals = [
    deploy(1, 'succeeded'), // a release change, old
    deploy(2, 'rolled_back'),
    deploy(3, 'succeeded'), // a release change, kept as one of the newest 2 changes
    deploy(4, 'rolled_back'),
    deploy(5, 'succeeded'), // newest change
    deploy(6, 'rolled_back'), // newest finished
    deploy(7, null), // unfinished: recovery needs it
  ];
  assert.deepEqual(journalsToPrune(journals, 1, 2), ['op-1', 'op-2', 'op-4']);
});

test('nothing goes while the counts are not reached', () => {
  assert.deepEqual(journalsToPrune([deploy(1, 'succeeded'), deploy(2, 'rolled_back')]), []);
});
