/** How the backups module reaches an environment's database. */
import { composeTargetForEnvironment } from '../adapters/compose-project.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { DatabaseAccess } from './pg-commands.js';
import { DockerodeRuntime } from '../adapters/dockerode-runtime.js';

export async function accessOf(env: EnvironmentConfig): Promise<DatabaseAccess> {
  if (env.database.url) return { database: env.database, cwd: env.appDir };
  const compose = await composeTargetForEnvironment(env);
  const service = env.database.service ?? 'db';
  const running = (await new DockerodeRuntime().serviceContainers(compose.project)).find((c) => c.service === service && !c.oneOff && c.state === 'running');
  return { database: env.database, compose, container: running?.id, cwd: env.appDir };
}
