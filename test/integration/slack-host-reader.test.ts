/**
 * The bot's reader process (src/slack/reader): host reads answered by a child on a real git
 * checkout, at a lower CPU priority, errors that cross with their fix, a reader killed mid-read,
 * and none left behind.
 * Git only: the reference stack is cloned but never started.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { getPriority } from 'node:os';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import type { RipcordConfig } from '../../src/config/schema.js';
import { RipcordError } from '../../src/domain/errors.js';
import { LocalHostReads } from '../../src/operations/host-reads.js';
import { HostReader } from '../../src/slack/reader/host-reader.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { headSha, processAlive, waitFor } from '../support/stack/stack-helpers.js';

const log = pino({ level: 'silent' });
let stack: ReferenceStack;
let config: RipcordConfig;
let reader: HostReader;


before(async () => {
  stack = await createReferenceStack();
  config = loadConfig({ configPath: stack.configPath, env: {} }).config;
  reader = new HostReader(config, log);
});

after(async () => {
  await reader?.close();
  if (stack) rmSync(stack.root, { recursive: true, force: true });
});

test('host reads run in a child process and answer what the same read in-process answers', async () => {
  assert.equal(await reader.reads.currentSha('production'), await headSha(stack.appDir));
  const pid = await reader.pid();
  assert.ok(pid && pid !== process.pid, 'the read ran in another process');
  const inProcess = new LocalHostReads(config, log);
  assert.deepEqual(await reader.reads.recentReleases('production', 5), await inProcess.recentReleases('production', 5));
  assert.deepEqual(await reader.reads.rollbackChoices('production'), await inProcess.rollbackChoices('production'));
});

test('the reader runs ten nice steps below the bot, so on a busy host the acks get the CPU first', async () => {
  const pid = await reader.pid();
  assert.equal(getPriority(pid), Math.min(19, getPriority() + 10));
});

test('a failed read arrives as a RipcordError with its code and fix, not "something failed"', async () => {
  await assert.rejects(reader.reads.previewDeploy('production', 'v9.9.9', 'U1'), (error: unknown) => {
    assert.ok(error instanceof RipcordError, `a RipcordError, got ${String(error)}`);
    assert.equal(error.code, 'not_found');
    assert.match(error.message, /v9\.9\.9/);
    assert.match(error.fix, /ls-remote/);
    return true;
  });
  await assert.rejects(reader.reads.status('staging'), (error: unknown) => error instanceof RipcordError && /production/.test(error.fix));
});

test('a reader killed mid-read fails that read clearly, and the next read starts a new reader', async () => {
  const first = await reader.pid();
  assert.ok(first);
  const inFlight = reader.reads.recentReleases('production', 5); // a git fetch: long enough to die under
  process.kill(first, 'SIGKILL');
  await assert.rejects(inFlight, (error: unknown) => error instanceof RipcordError && error.code === 'unavailable' && /reader process stopped \(signal SIGKILL\)/.test(error.message) && /ask again/.test(error.fix));
  assert.equal(await reader.reads.currentSha('production'), await headSha(stack.appDir));
  const second = await reader.pid();
  assert.ok(second && second !== first, 'a new reader answered');
});

test('close stops the reader and refuses further reads', async () => {
  const pid = await reader.pid();
  assert.ok(pid && processAlive(pid));
  await reader.close();
  await waitFor(async () => !processAlive(pid), 5_000, 'the reader process to exit');
  await assert.rejects(reader.reads.currentSha('production'), /stopping/);
});
