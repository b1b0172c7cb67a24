/**
 * What "everything is as before" means after a rolled-back deploy on the reference stack, shared by
 * the rollback tests of every database strategy: HEAD, image IDs, database checksum, health on the
 * old version, only db and web containers, no one-off container, no Ripcord database left, lock free.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ripcord, startCli } from '../cli.js';
import { createReferenceStack, type ReferenceStack } from './reference-stack.js';
import { dbChecksum, headSha, run, runningImageIds, waitFor } from './stack-helpers.js';

export interface HostState { head: string; images: Record<string, string>; checksum: string }

export async function hostState(stack: ReferenceStack): Promise<HostState> {
  return { head: await headSha(stack.appDir), images: await runningImageIds(stack.id), checksum: await dbChecksum(stack.dbPort, stack.databaseName) };
}

export async function webVersion(stack: ReferenceStack): Promise<string> {
  return (await (await fetch(`http://127.0.0.1:${stack.webPort}/version`)).text()).trim();
}

/** Databases Ripcord made beside the app's (staging, retired, clone, failed copy): none may outlive an operation. */
export async function ripcordDatabases(stack: ReferenceStack): Promise<string[]> {
  const like = `${stack.databaseName}\\_\\_ripcord%`;
  const out = await run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', 'postgres', '-Atc', `select datname from pg_database where datname like '${like}' order by 1`], '/', 30_000);
  return out.split('\n').filter(Boolean);
}

export async function assertAsBefore(stack: ReferenceStack, before: HostState, version: string): Promise<void> {
  const after = await hostState(stack);
  assert.equal(after.head, before.head, 'HEAD is the old SHA');
  assert.deepEqual(after.images, before.images, 'every service runs its old image ID');
  assert.equal(after.checksum, before.checksum, 'schema and data are as before');
  assert.equal(await webVersion(stack), version, 'health is green on the old version');
  const all = await run(['docker', 'ps', '-a', '--filter', `label=com.docker.compose.project=${stack.id}`, '--format', '{{.Image}} {{.Label "com.docker.compose.oneoff"}}'], '/', 30_000);
  assert.doesNotMatch(all, /True/, 'no one-off container remains');
  assert.equal(all.trim().split('\n').length, 2, `only db and web remain:\n${all}`);
  assert.deepEqual(await ripcordDatabases(stack), [], 'no clone, failed copy, staging or retired database remains');
  assert.equal(existsSync(join(stack.stateDir, 'locks', 'production.lock')), false, 'the lock is free');
}

/**
 * The journal file of the newest operation of the stack's production environment. Journals only
 * (`*.jsonl`): beside them sit each operation's `.env.json` and, for an instant, the temporary file
 * it is written through — which a poll could list, then find renamed away.
 */
export function newestJournal(stack: ReferenceStack): string | null {
  const dir = join(stack.stateDir, 'journal', 'production');
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, f)).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  return files.at(-1) ?? null;
}

export function journalLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export type JournalLines = Array<Record<string, unknown>>;

/**
 * Starts a deploy of `ref`, waits until `ready` says so (polling the journal every `pollMs`), kills
 * the executor with SIGKILL, then runs `ripcord recover`; returns the journal as recovery left it.
 */
export async function killAndRecover(stack: ReferenceStack, ref: string, ready: (journal: JournalLines) => Promise<boolean> | boolean, pollMs = 250): Promise<JournalLines> {
  const journalsBefore = newestJournal(stack);
  const { child, done } = startCli(['--config', stack.configPath, 'deploy', ref, '--yes']);
  try {
    await waitFor(async () => {
      const path = newestJournal(stack);
      return path !== null && path !== journalsBefore && (await ready(journalLines(path)));
    }, 120_000, `the deploy of ${ref} to reach the kill point`, pollMs);
  } catch (error) {
    // Never leave the deploy running into the next test (it would hold the environment's lock).
    child.kill('SIGKILL');
    await done;
    throw error;
  }
  child.kill('SIGKILL');
  const killed = await done;
  assert.equal(killed.code, null, 'the executor died by the signal');
  const path = newestJournal(stack)!;
  const recovered = await ripcord(['--config', stack.configPath, 'recover']);
  assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
  assert.match(recovered.stdout, /rolled back/);
  return journalLines(path);
}

/** A running reference stack whose ripcord.yml rolls the database back with `clone_swap`. */
export async function cloneSwapStack(healthRetries: number): Promise<ReferenceStack> {
  const stack = await createReferenceStack();
  stack.writeConfig({
    database: { service: 'db', name: 'app', user: 'postgres', rollbackStrategy: 'clone_swap' },
    health: { url: stack.healthUrl, retries: healthRetries, delaySeconds: 1, timeoutSeconds: 3 },
  });
  await stack.up();
  return stack;
}
