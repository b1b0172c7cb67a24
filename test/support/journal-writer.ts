/**
 * A child process for test/integration/journal.test.ts: appends to a journal as fast as it can
 * until it is SIGKILLed, so the test can read what a crash leaves behind.
 * Usage: node --import tsx journal-writer.ts STATE_DIR ID
 */
import { Journal } from '../../src/state/journal.js';

const [stateDir, id] = process.argv.slice(2);
if (!stateDir || !id) throw new Error('usage: journal-writer.ts STATE_DIR ID');

const journal = await Journal.create(stateDir, { id, kind: 'deploy', env: 'production', ref: 'v1', targetSha: null, previousSha: null, previousImages: {} });
await journal.append({ type: 'stage_started', stage: 'preflight' });
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  // Big entries make a kill in the middle of a write likely.
  await journal.append({ type: 'fact', key: `k${i}`, value: 'x'.repeat(64 * 1024) });
}
