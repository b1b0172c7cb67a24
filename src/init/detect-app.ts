/**
 * `ripcord init`'s eyes: what an app directory tells about how it is deployed — its compose file
 * and services, whether it is a Django or a Next.js/Prisma app, and what the old update.sh /
 * rollback.sh scripts left (their `.env.production` variables and `backups/backup_*.sql.gz`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { PresetName } from '../config/presets.js';
import { COMPOSE_FILE_NAMES, readComposeFacts, type ComposeFacts } from './compose-services.js';

export interface AppFacts {
  appDir: string;
  composeFile: string | null;
  compose: ComposeFacts | null;
  preset: PresetName | null;
  /** Why the preset was chosen, in words ("manage.py found"). */
  presetReason: string | null;
  /** The old scripts' env file, when there is one. */
  envFile: string | null;
  /** The old scripts' variables found in it (values of secret ones are never copied). */
  seedVars: Record<string, string>;
  /** An existing backups directory and how many old-format dumps it holds. */
  backups: { dir: string; oldDumps: number } | null;
}

/** The old update.sh / rollback.sh variables ripcord.yml has a place for (src/config/env-overrides.ts). */
const SEED_VARIABLES = ['ROLLBACK_ENABLED', 'AUTO_ROLLBACK', 'HEALTH_CHECK_RETRIES', 'HEALTH_CHECK_DELAY', 'SLACK_WEBHOOK_URL',
  'NOTIFICATION_EMAIL', 'WEBHOOK_URL', 'MAX_BACKUPS', 'BACKUP_DIR', 'COMPOSE_FILE'];

/** Variables whose values may carry a token: referenced as ${NAME} in ripcord.yml, never copied. */
export const SECRET_SEED_VARIABLES = new Set(['SLACK_WEBHOOK_URL', 'WEBHOOK_URL']);

export function detectApp(appDir: string): AppFacts {
  const envFile = ['.env.production', '.env.prod'].map((f) => join(appDir, f)).find((p) => existsSync(p)) ?? null;
  const fileVars = readVars(join(appDir, '.env'));
  const prodVars = envFile ? readVars(envFile) : {};
  const vars = { ...fileVars, ...prodVars };
  const composeName = prodVars.COMPOSE_FILE && existsSync(join(appDir, prodVars.COMPOSE_FILE)) ? prodVars.COMPOSE_FILE : COMPOSE_FILE_NAMES.find((f) => existsSync(join(appDir, f))) ?? null;
  const [preset, presetReason] = detectPreset(appDir);
  return {
    appDir,
    composeFile: composeName,
    compose: composeName ? readComposeFacts(join(appDir, composeName), vars) : null,
    preset,
    presetReason,
    envFile,
    seedVars: Object.fromEntries(SEED_VARIABLES.filter((n) => prodVars[n] !== undefined && prodVars[n] !== '').map((n) => [n, prodVars[n] as string])),
    backups: detectBackups(prodVars.BACKUP_DIR ?? join(appDir, 'backups')),
  };
}

function readVars(path: string): Record<string, string> {
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}

function detectPreset(appDir: string): [PresetName | null, string | null] {
  const managePy = ['manage.py', 'src/manage.py', 'app/manage.py', 'backend/manage.py'].find((p) => existsSync(join(appDir, p)));
  if (managePy) return ['django', `${managePy} found`];
  const pkgPath = join(appDir, 'package.json');
  if (!existsSync(pkgPath)) return [null, null];
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const prisma = deps.prisma !== undefined || deps['@prisma/client'] !== undefined || existsSync(join(appDir, 'prisma', 'schema.prisma'));
  if (deps.next !== undefined && prisma) return ['nextjs-prisma', 'package.json depends on next and prisma'];
  return [null, null];
}

function detectBackups(dir: string): AppFacts['backups'] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return null;
  return { dir, oldDumps: readdirSync(dir).filter((f) => /^backup_\d{8}_\d{6}\.sql\.gz$/.test(f)).length };
}
