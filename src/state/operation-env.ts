/**
 * The app containers' environments an operation may need to start them again — DATABASE_URL,
 * SECRET_KEY and the like — kept out of the journal, which lives long. They sit in a `0600` file
 * beside the operation's journal (`<id>.env.json`, same `0700` directory) from preflight until the
 * operation is finished, then the file is removed (`Journal` does it when it writes a terminal
 * state). A crash leaves it for `recover`, which needs it; without it a rollback starts the
 * containers through compose, which reads the environment from the app's own files again.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { removeIfExists, replaceAtomically } from './durable-fs.js';

/** service → the container's environment, `KEY=value` as the Engine API takes it. */
export type ContainerEnvironments = Record<string, string[]>;

const SUFFIX = '.env.json';

/** The environments file of the operation whose journal is `journalPath`. */
export function operationEnvPath(journalPath: string): string {
  return journalPath.replace(/\.jsonl$/, SUFFIX);
}

export async function keepOperationEnv(journalPath: string, environments: ContainerEnvironments): Promise<void> {
  await replaceAtomically(operationEnvPath(journalPath), JSON.stringify(environments), 0o600);
}

/** The environments kept for this operation, or null when there are none (removed, never written). */
export async function readOperationEnv(journalPath: string): Promise<ContainerEnvironments | null> {
  try {
    return JSON.parse(await readFile(operationEnvPath(journalPath), 'utf8')) as ContainerEnvironments;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function discardOperationEnv(journalPath: string): Promise<void> {
  await removeIfExists(operationEnvPath(journalPath));
}

/**
 * Removes every environments file in a journal directory except `keep`'s: called when an operation
 * starts under the lock with no unfinished operation left, so any other file is from one that
 * finished (a crash between its last journal line and the removal).
 */
export async function discardOtherOperationEnvs(journalDir: string, keep: string): Promise<void> {
  const files = await readdir(journalDir).catch(() => [] as string[]);
  const mine = operationEnvPath(keep);
  await Promise.all(files.filter((f) => f.endsWith(SUFFIX)).map((f) => join(journalDir, f)).filter((p) => p !== mine).map((p) => removeIfExists(p)));
}
