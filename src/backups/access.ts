/** How the backups module reaches an environment's database. */
import { composeTargetForEnvironment } from '../adapters/compose-project.js';
import type { ComposeTarget } from '../adapters/compose-cli.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { DatabaseAccess } from './pg-commands.js';
import { DockerodeRuntime } from '../adapters/dockerode-runtime.js';

/**
 * `known`: what the caller (the executor) already has — the compose target, perhaps the running
 * database container — which saves detecting the compose program and listing containers again.
 */
export async function accessOf(env: EnvironmentConfig, known?: { compose: ComposeTarget & { project: string }; container?: string | undefined }): Promise<DatabaseAccess> {
  if (env.database.url) return { database: env.database, cwd: env.appDir };
  const compose = known?.compose ?? await composeTargetForEnvironment(env);
  const service = env.database.service ?? 'db';
  const container = known?.container ?? (await new DockerodeRuntime().serviceContainers(compose.project)).find((c) => c.service === service && !c.oneOff && c.state === 'running')?.id;
  return { database: env.database, compose, container, cwd: env.appDir };
}
