/**
 * File operations whose result must survive a crash or a power cut: the journal and the lock are
 * only as good as these. Each one fsyncs what it changed, including the directory entry.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes a directory entry (a new or removed file, a new subdirectory) durable, not only a file's contents. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A private, fsynced temp file next to `path` (same file system, so link/rename are atomic). */
async function writeTempBeside(path: string, content: string, mode: number): Promise<string> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}

/**
 * Creates `path` holding `content` only if nothing is there; false when something is. Atomic and
 * complete: the content goes to a private temp file first, then a hard link gives it its name, so
 * no reader ever sees it half written (an O_EXCL create would show an empty file for a moment).
 */
export async function createExclusive(path: string, content: string, mode = 0o644): Promise<boolean> {
  const tmp = await writeTempBeside(path, content, mode);
  try {
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp);
  }
  await fsyncDir(dirname(path));
  return true;
}

/**
 * Replaces whatever is at `path` with `content` in one step (write a temp file, rename over it):
 * there is never a moment when `path` is missing, so nobody can slip in a create of their own.
 */
export async function replaceAtomically(path: string, content: string, mode = 0o644): Promise<void> {
  await rename(await writeTempBeside(path, content, mode), path);
  await fsyncDir(dirname(path));
}

/** Removes `path`; one that is already gone is fine. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
