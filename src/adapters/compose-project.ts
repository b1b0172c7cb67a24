/** The compose project name of an environment, decided the way compose itself decides it. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { EnvironmentConfig } from '../config/schema.js';
import { composeTargetOf, resolveComposeProgram, type ComposeTarget } from './compose-cli.js';
import { ExitCode, RipcordError } from '../domain/errors.js';

/**
 * ripcord.yml's composeProject, then COMPOSE_PROJECT_NAME in the app's .env, then the app dir's
 * name (lowercased, v1's character set): so Ripcord's `-p` and what compose already runs agree.
 */
export function composeProjectOf(env: Pick<EnvironmentConfig, 'appDir' | 'composeProject'>): string {
  if (env.composeProject) return env.composeProject;
  const dotenv = join(env.appDir, '.env');
  if (existsSync(dotenv)) {
    const name = parseDotenv(readFileSync(dotenv)).COMPOSE_PROJECT_NAME;
    if (name) return name;
  }
  return basename(env.appDir).toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

export async function composeTargetForEnvironment(env: EnvironmentConfig): Promise<ComposeTarget & { project: string }> {
  const program = await resolveComposeProgram(env.composeCommand);
  if (!program) throw new RipcordError('unavailable', 'no compose command found', 'install docker-compose or the compose plugin; `ripcord doctor` checks it', ExitCode.refused);
  return { ...composeTargetOf(env, program), project: composeProjectOf(env) };
}
