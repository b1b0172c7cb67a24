/**
 * Everything the executor needs for one environment, built once per operation: compose with its
 * project name resolved, the Docker runtime, the git checkout, the lock, logs in both formats.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Logger } from 'pino';
import { composeTargetOf, resolveComposeProgram } from '../adapters/compose-cli.js';
import { DockerodeRuntime, type ContainerRuntime } from '../adapters/dockerode-runtime.js';
import { SimpleGitRepository } from '../adapters/simple-git-repository.js';
import type { EnvironmentConfig, RipcordConfig } from '../config/schema.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import type { SourceRepository } from '../domain/ports-source.js';
import { EnvironmentLocks } from './environment-lock.js';
import type { StageContext } from './stage-context.js';

export interface ExecutorEnv {
  name: string;
  env: EnvironmentConfig;
  stateDir: string;
  compose: StageContext['compose'];
  runtime: ContainerRuntime;
  repo: SourceRepository;
  locks: EnvironmentLocks;
  log: Logger;
}

/**
 * The compose project name, decided the way compose itself decides it, so Ripcord's `-p` and the
 * containers compose already runs agree: ripcord.yml, then COMPOSE_PROJECT_NAME in the app's .env,
 * then the app dir's name (lowercased, v1's character set).
 */
export function composeProjectOf(env: EnvironmentConfig): string {
  if (env.composeProject) return env.composeProject;
  const dotenv = join(env.appDir, '.env');
  if (existsSync(dotenv)) {
    const name = parseDotenv(readFileSync(dotenv)).COMPOSE_PROJECT_NAME;
    if (name) return name;
  }
  return basename(env.appDir).toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

export async function openExecutorEnv(config: RipcordConfig, name: string, log: Logger): Promise<ExecutorEnv> {
  const env = config.environments[name];
  if (!env) throw new RipcordError('bad_input', `environment "${name}" is not in ripcord.yml`, `use one of: ${Object.keys(config.environments).join(', ')}`, ExitCode.refused);
  const program = await resolveComposeProgram(env.composeCommand);
  if (!program) throw new RipcordError('unavailable', 'no compose command found', 'install docker-compose or the compose plugin; `ripcord doctor` checks it', ExitCode.refused);
  return {
    name,
    env,
    stateDir: config.stateDir,
    compose: { ...composeTargetOf(env, program), project: composeProjectOf(env) },
    runtime: new DockerodeRuntime(),
    repo: new SimpleGitRepository(env.appDir, { remote: env.remote }),
    locks: new EnvironmentLocks(config.stateDir),
    log: log.child({ env: name }),
  };
}
