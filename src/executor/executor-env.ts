/**
 * Everything the executor needs for one environment, built once per operation: compose with its
 * project name resolved, the Docker runtime, the git checkout, the lock, logs in both formats.
 */
import type { Logger } from 'pino';
import { composeTargetForEnvironment } from '../adapters/compose-project.js';
import { DockerodeRuntime, type ContainerRuntime } from '../adapters/dockerode-runtime.js';
import { SimpleGitRepository } from '../adapters/simple-git-repository.js';
import type { EnvironmentConfig, RipcordConfig } from '../config/schema.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import type { SourceRepository } from '../domain/ports-source.js';
import { EnvironmentLocks } from '../state/environment-lock.js';
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

export async function openExecutorEnv(config: RipcordConfig, name: string, log: Logger): Promise<ExecutorEnv> {
  const env = config.environments[name];
  if (!env) throw new RipcordError('bad_input', `environment "${name}" is not in ripcord.yml`, `use one of: ${Object.keys(config.environments).join(', ')}`, ExitCode.refused);
  return {
    name,
    env,
    stateDir: config.stateDir,
    compose: await composeTargetForEnvironment(env),
    runtime: new DockerodeRuntime(),
    repo: new SimpleGitRepository(env.appDir, { remote: env.remote }),
    locks: new EnvironmentLocks(config.stateDir),
    log: log.child({ env: name }),
  };
}
