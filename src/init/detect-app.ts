/**
 * `ripcord init`'s eyes: what an app directory tells about how it is deployed — its compose file
 * and services, whether it is a Django or a Next.js/Prisma app (at its root or in a subfolder such
 * as `nextjs_space/`), the variable its health route's token is in, and what the old update.sh /
 * rollback.sh scripts left (their `.env.production` variables and `backups/backup_*.sql.gz`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
  /**
   * A variable that holds the health route's token, where it was found (an env file, relative to
   * the app dir) and its value — kept in memory for init's probe, never written.
   */
  healthToken: { variable: string; file: string; value: string } | null;
}

/** Variables the seeds' health checks send as a Bearer token, the INMOVA runbook's CRON_SECRET among them. */
export const HEALTH_TOKEN_VARIABLES = ['HEALTH_TOKEN', 'HEALTH_CHECK_TOKEN', 'HEALTHCHECK_TOKEN', 'HEALTH_SECRET', 'CRON_SECRET'];

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
  const compose = composeName ? readComposeFacts(join(appDir, composeName), vars) : null;
  const [preset, presetReason, codeDir] = detectPreset(appDir, compose?.web?.context ?? null);
  return {
    appDir,
    composeFile: composeName,
    compose,
    preset,
    presetReason,
    envFile,
    seedVars: Object.fromEntries(SEED_VARIABLES.filter((n) => prodVars[n] !== undefined && prodVars[n] !== '').map((n) => [n, prodVars[n] as string])),
    backups: detectBackups(prodVars.BACKUP_DIR ?? join(appDir, 'backups')),
    healthToken: findHealthToken(appDir, [envFile, join(appDir, '.env'), ...['.env.production', '.env.prod', '.env'].map((f) => join(codeDir, f))]),
  };
}

/** The first token variable in the app's env files (root first, then the app's code dir), with its file. */
function findHealthToken(appDir: string, files: ReadonlyArray<string | null>): AppFacts['healthToken'] {
  for (const file of [...new Set(files)].filter((f): f is string => f !== null && existsSync(f))) {
    const values = readVars(file);
    const variable = HEALTH_TOKEN_VARIABLES.find((v) => values[v]);
    if (variable) return { variable, file: relative(appDir, file), value: values[variable] as string };
  }
  return null;
}

function readVars(path: string): Record<string, string> {
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}

/**
 * The preset, why, and the directory the app's code is in: the app dir itself, else the web
 * service's build context, else a subfolder one level down (the INMOVA runbook's `nextjs_space/`).
 */
function detectPreset(appDir: string, buildContext: string | null): [PresetName | null, string | null, string] {
  const inside = buildContext && !relative(appDir, buildContext).startsWith('..') ? [buildContext] : [];
  const subdirs = readdirSync(appDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules').map((d) => join(appDir, d.name)).sort();
  for (const dir of [appDir, ...inside, ...subdirs]) {
    const where = relative(appDir, dir);
    const found = presetIn(dir);
    if (found) return [found[0], where ? `${where}/${found[1]}` : found[1], dir];
  }
  return [null, null, appDir];
}

function presetIn(dir: string): [PresetName, string] | null {
  const managePy = ['manage.py', 'src/manage.py', 'app/manage.py', 'backend/manage.py'].find((p) => existsSync(join(dir, p)));
  if (managePy) return ['django', `${managePy} found`];
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath)) return null;
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const prisma = deps.prisma !== undefined || deps['@prisma/client'] !== undefined || existsSync(join(dir, 'prisma', 'schema.prisma'));
  return deps.next !== undefined && prisma ? ['nextjs-prisma', 'package.json depends on next and prisma'] : null;
}

function detectBackups(dir: string): AppFacts['backups'] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return null;
  return { dir, oldDumps: readdirSync(dir).filter((f) => /^backup_\d{8}_\d{6}\.sql\.gz$/.test(f)).length };
}
