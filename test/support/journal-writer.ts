/**
 * A child process for test/integration/journal.test.ts: appends to a journal as fast as it can
 * until it is stopped (the test runs it under a file size limit, which tears the last write).
 * Usage: node --import tsx journal-writer.ts STATE_DIR ID
 */
import { Journal } from '../../src/state/journal.js';

const [stateDir, id] = process.argv.slice(2);
if (!stateDir || !id) throw new Error('usage: journal-writer.ts STATE_DIR ID');

const journal = await Journal.create(stateDir, { id, kind: 'deploy', env: 'production', ref: 'v1', targetSha: null, previousSha: null, previousImages: {} });
await journal.append({ type: 'stage_started', stage: 'preflight' });
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  // Entries far from a multiple of the limit, so the limit falls inside one.
  await journal.append({ type: 'fact', key: `k${i}`, value: 'x'.repeat(64 * 1024 + 7) });
}
