/** What every CLI command is given: where to print, the environment, and where to put its exit code. */
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import type { Command } from 'commander';
import { BadInputError } from '../domain/errors.js';

export interface CliContext {
  exitCode: number;
  out: (line: string) => void;
  err: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface GlobalOptions {
  config?: string;
  envFile?: string;
}

/** Loads ripcord.yml using the global --config/--env-file flags of the program `cmd` belongs to. */
export function loadConfigFor(cmd: Command, ctx: CliContext): LoadedConfig {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfig({ configPath: opts.config, envFile: opts.envFile, env: ctx.env, cwd: ctx.cwd });
}

/** Picks --env NAME, or the only environment, or says which names exist. */
export function pickEnvironment<T>(environments: Readonly<Record<string, T>>, requested: string | undefined): [string, T] {
  const names = Object.keys(environments);
  const name = requested ?? (names.length === 1 ? names[0] : undefined);
  const env = name === undefined ? undefined : environments[name];
  if (name === undefined || env === undefined) {
    const what = requested === undefined ? 'no environment chosen' : `environment "${requested}" is not in ripcord.yml`;
    throw new BadInputError(what, `pass --env with one of: ${names.join(', ')}`);
  }
  return [name, env];
}
