/** runCommand with real processes: what it keeps of a long output. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCommand } from '../../src/adapters/process-runner.js';

test('keeps exactly the last keepBytes bytes of a long output, however the pipe chunks it', async () => {
  const script = "for (let i = 0; i < 20000; i++) process.stdout.write(String(i).padStart(8, '0') + '\\n')";
  const all = Array.from({ length: 20000 }, (_, i) => `${String(i).padStart(8, '0')}\n`).join('');
  for (let run = 0; run < 3; run++) {
    const r = await runCommand({ argv: [process.execPath, '-e', script], keepBytes: 100_000, timeoutMs: 30_000 });
    assert.equal(r.stdout, all.slice(-100_000));
  }
});
