/**
 * Puts the ripcord.yml `ripcord init` wrote on disk: never over an existing file, only once it
 * loads, mode 0600, in a directory made when missing. That directory gets mode 0700, like the state
 * and backup directories: /etc/ripcord also holds ripcord.env and its secrets. A path that cannot
 * be written is a refusal naming the fix, with nothing left behind.
 */
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { BadInputError, ExitCode, RipcordError } from '../domain/errors.js';

export const CONFIG_DIR_MODE = 0o700;

/** How the file is loaded before it is kept: the environment its `${NAME}` references are read from. */
export interface LoadCheck { cwd: string; env?: Record<string, string> }

export function writeNewConfig(output: string, text: string, check: LoadCheck): void {
  const created = makeDirectory(dirname(output));
  try {
    writeIfItLoads(output, text, check);
  } catch (error) {
    if (created) removeEmpty(dirname(output), created);
    throw error;
  }
}

/** Written only if it loads: init never leaves a file that `config check` rejects. */
function writeIfItLoads(output: string, text: string, check: LoadCheck): void {
  const tmp = `${output}.tmp`;
  writeOrRefuse(tmp, text);
  try {
    loadConfig({ configPath: tmp, env: check.env ?? {}, cwd: check.cwd });
    writeOrRefuse(output, text);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Makes `dir` and any missing parent; returns the first one it made (undefined: it existed). */
function makeDirectory(dir: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true, mode: CONFIG_DIR_MODE });
  } catch (error) {
    throw refusal(error, `cannot create the directory ${dir}`,
      `create it for the user who runs Ripcord (\`sudo install -d -m 0700 -o ${currentUser()} ${dir}\`)`);
  }
}

function writeOrRefuse(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw refusal(error, `cannot write ${path}`, `run init as a user who can write ${dirname(path)}`);
    throw new BadInputError(`${path} already exists; ripcord init never overwrites`, path.endsWith('.tmp')
      ? 'remove it (an interrupted ripcord init left it) and run init again' : 'edit it, or pass --output NEW_PATH, or move it away first');
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '"$(id -un)"'; // a uid without a passwd entry (some containers): let the shell say it
  }
}

/** @param accessFix what to do when permission was denied */
function refusal(error: unknown, what: string, accessFix: string): RipcordError {
  const code = (error as NodeJS.ErrnoException).code;
  const elsewhere = 'or pass --output with a path you can write';
  switch (code) {
    case 'EACCES': case 'EPERM':
      return new RipcordError('precondition_failed', `${what}: permission denied`, `${accessFix}, ${elsewhere}`, ExitCode.refused, { cause: error });
    case 'ENOTDIR': case 'EEXIST': // mkdir: a file where a directory should be
      return new BadInputError(`${what}: part of the path is a file, not a directory`, 'pass --output with a path inside a directory');
    case 'EROFS':
      return new RipcordError('precondition_failed', `${what}: the file system is read-only`, 'pass --output with a path on a writable disk', ExitCode.refused, { cause: error });
    default:
      return new RipcordError('precondition_failed', `${what}: ${(error as Error).message}`, `check the path, ${elsewhere}`, ExitCode.refused, { cause: error });
  }
}

/** Removes the directories this init made, innermost first, if they are still empty. */
function removeEmpty(dir: string, outermost: string): void {
  for (let d = dir; d.startsWith(outermost); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
