/**
 * The interactive rollback menu on a real pseudo-terminal: keys go in as a person types them
 * (arrows, Enter, y), the screen is read back. Quick and full, each ending in exactly the state it
 * promised (HEAD, image ID, database checksum).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ripcord, ripcordArgv } from '../support/cli.js';
import { KEY, startPty } from '../support/pty.js';
import { requireDocker } from '../support/require-services.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { tearDownStack } from '../support/stack/teardown.js';
import { dbChecksum, headSha, runningImageIds } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;
interface HostState { head: string; web: string; checksum: string }
let v100: HostState;
let v110: HostState;

async function hostState(): Promise<HostState> {
  return { head: await headSha(stack.appDir), web: (await runningImageIds(stack.id)).web ?? '', checksum: await dbChecksum(stack.dbPort) };
}

/** Opens the menu and picks entry `n` (1-based) with the arrow keys. */
async function openMenuAt(n: number) {
  const pty = startPty(ripcordArgv(['--config', stack.configPath, 'rollback']));
  await pty.waitFor(/Ripcord rollback — production/);
  await pty.waitFor(/7\) Quick rollback to the previous release/);
  pty.send(KEY.down.repeat(n - 1));
  await new Promise((r) => setTimeout(r, 200));
  pty.send(KEY.enter);
  return pty;
}

before(async () => {
  await requireDocker();
  stack = await createReferenceStack();
  stack.writeConfig({ health: { url: stack.healthUrl, retries: 10, delaySeconds: 1, timeoutSeconds: 3 } });
  await stack.up();
  v100 = await hostState();
  const d = await ripcord(['--config', stack.configPath, 'deploy', 'v1.1.0', '--yes']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  v110 = await hostState();
});

after(() => tearDownStack(stack));

describe('rollback menu on a terminal', () => {
  test('7) quick: shows from → to and the backup, asks, and rolls code, images and database back', async () => {
    const pty = await openMenuAt(7);
    await pty.waitFor(/Code: v1\.1\.0 [0-9a-f]{7} → v1\.0\.0 [0-9a-f]{7}/);
    await pty.waitFor(/Database: restored from backup_\d{8}_\d{6}\.dump \(predeploy, holds database app, taken .* ago, verified\)/);
    await pty.waitFor(/Roll back production as shown\?/);
    pty.send('y');
    pty.send(KEY.enter);
    assert.equal(await pty.done, 0, pty.screen());
    assert.match(pty.screen(), /✔ rollback: restore_database/);
    assert.match(pty.screen(), /rolled back production to v1\.0\.0/);
    assert.deepEqual(await hostState(), v100);
  });

  test('1) lists the releases that ran with tag, SHA and age; 5) full picks one and the pre-deploy backup', async () => {
    const list = await openMenuAt(1);
    await list.waitFor(/v1\.1\.0\s+[0-9a-f]{7}\s+live until .* ago, deployed .* ago/);
    list.send('\x03'); // Ctrl+C leaves the menu, nothing changed
    assert.equal(await list.done, 2);
    assert.doesNotMatch(list.screen(), /v1\.0\.0\s+[0-9a-f]{7}\s+live until/, 'the live release is not offered');

    const pty = await openMenuAt(5);
    await pty.waitFor(/Roll back to which release\?/);
    await pty.waitFor(/v1\.1\.0/);
    pty.send(KEY.enter); // the first (most recently live) release: v1.1.0
    await pty.waitFor(/With which backup\?/);
    await pty.waitFor(/predeploy/);
    // Newest first after the automatic choice: the quick rollback's safety backup, then the pre-deploy backup.
    pty.send(KEY.down.repeat(2));
    await new Promise((r) => setTimeout(r, 200));
    pty.send(KEY.enter);
    await pty.waitFor(/Code: v1\.0\.0 [0-9a-f]{7} → v1\.1\.0 [0-9a-f]{7}/);
    await pty.waitFor(/Roll back production as shown\?/);
    pty.send('y');
    pty.send(KEY.enter);
    assert.equal(await pty.done, 0, pty.screen());
    const now = await hostState();
    assert.equal(now.head, v110.head);
    assert.equal(now.web, v110.web, 'v1.1.0 runs again by image ID');
    assert.equal(now.checksum, v100.checksum, 'the database is the pre-deploy backup: as before v1.1.0');
  });
});
