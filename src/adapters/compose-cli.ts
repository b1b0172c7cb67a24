/**
 * Builds compose command lines as data. Both `docker compose` (v2) and `docker-compose` (v1) are
 * supported; which one a host has is detected once (`resolveComposeProgram`).
 */
import { commandWorks } from './process-runner.js';

export type ComposeProgram = readonly ['docker', 'compose'] | readonly ['docker-compose'];

export interface ComposeTarget {
  program: ComposeProgram;
  /** Working directory: the app checkout. */
  appDir: string;
  /** Compose file, absolute or relative to appDir. */
  composeFile: string;
  /** -p; when absent compose derives it from appDir's name (as the old scripts did). */
  project?: string | undefined;
}

const found = new Map<string, ComposeProgram>();

/**
 * `auto` prefers v2 and falls back to v1, like most hosts migrating between them. A program found
 * is remembered for the process: every preview opens the environment, and 50 people typing
 * `/deploy` at once must not start 50 `compose version` (Python start-up, on compose v1). Not
 * finding one is not remembered, so installing compose needs no restart.
 */
export async function resolveComposeProgram(setting: 'auto' | 'docker compose' | 'docker-compose'): Promise<ComposeProgram | null> {
  const known = found.get(setting);
  if (known) return known;
  const v2: ComposeProgram = ['docker', 'compose'];
  const v1: ComposeProgram = ['docker-compose'];
  const candidates = setting === 'auto' ? [v2, v1] : setting === 'docker compose' ? [v2] : [v1];
  for (const c of candidates) {
    if (await commandWorks([...c, 'version'])) { found.set(setting, c); return c; }
  }
  return null;
}

export function composeArgv(target: ComposeTarget, args: readonly string[]): string[] {
  const project = target.project ? ['-p', target.project] : [];
  return [...target.program, '-f', target.composeFile, ...project, ...args];
}

/** A command inside the running container of `service` (pg_dump inside `db`, as the old script did). */
export function composeExecArgv(target: ComposeTarget, service: string, argv: readonly string[]): string[] {
  return composeArgv(target, ['exec', '-T', service, ...argv]);
}

/** The compose target of an environment from ripcord.yml. */
export function composeTargetOf(
  env: { appDir: string; composeFile: string; composeProject?: string | undefined },
  program: ComposeProgram,
): ComposeTarget {
  return { program, appDir: env.appDir, composeFile: env.composeFile, project: env.composeProject };
}
