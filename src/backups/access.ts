/** How the backups module reaches an environment's database. */
import { composeTargetForEnvironment } from '../adapters/compose-project.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { DatabaseAccess } from './pg-commands.js';

export async function accessOf(env: EnvironmentConfig): Promise<DatabaseAccess> {
  if (env.database.url) return { database: env.database, cwd: env.appDir };
  return { database: env.database, compose: await composeTargetForEnvironment(env), cwd: env.appDir };
}
