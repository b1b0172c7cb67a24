/** The WAL position of an environment's database server (see database-facts.ts walPosition). */
import type { EnvironmentConfig } from '../config/schema.js';
import { accessOf } from './access.js';
import { walPosition } from './database-facts.js';

export async function currentWalPosition(env: EnvironmentConfig): Promise<string> {
  return walPosition(await accessOf(env));
}
