/**
 * What goes into the new ripcord.yml: each value from its flag, else from what was found in the
 * app dir, else from a question (on a terminal only). What is still unknown is reported with the
 * flag that supplies it, never guessed.
 */
import { join } from 'node:path';
import { isPresetName, presets, type PresetName } from '../config/presets.js';
import { BadInputError } from '../domain/errors.js';
import type { AppFacts } from './detect-app.js';
import { decideHealthToken, type HealthTokenDecision } from './health-token.js';

export interface InitFlags {
  envName?: string;
  composeFile?: string;
  preset?: string;
  dbService?: string;
  dbName?: string;
  dbUser?: string;
  databaseUrl?: string;
  webService?: string;
  healthUrl?: string;
  healthTokenVariable?: string;
  backupsDir?: string;
  stateDir?: string;
}

export interface InitAnswers {
  envName: string;
  appDir: string;
  composeFile: string;
  preset: PresetName | null;
  database: { service: string; name: string; user: string } | { url: string };
  /** The service migrate/static/integrity run in, when it is not the preset's `web`. */
  webService: string | null;
  healthUrl: string;
  /** Whether the health check sends `Authorization: Bearer ${VARIABLE}`, and how that was decided. */
  healthToken: HealthTokenDecision;
  backupsDir: string;
  stateDir: string;
}

/** Asks one question; null when there is no terminal to ask on. */
export type Ask = ((question: string, suggestion?: string) => Promise<string>) | null;

interface Missing { what: string; flag: string }

export async function resolveAnswers(facts: AppFacts, flags: InitFlags, ask: Ask): Promise<InitAnswers> {
  const missing: Missing[] = [];
  const need = async (value: string | null | undefined, what: string, flag: string, suggestion?: string): Promise<string> => {
    if (value) return value;
    const answer = ask ? (await ask(what, suggestion)).trim() : '';
    if (!answer) missing.push({ what, flag });
    return answer;
  };
  const preset = presetOf(flags.preset, facts.preset);
  if (flags.healthTokenVariable !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.healthTokenVariable)) {
    throw new BadInputError(`--health-token-variable ${flags.healthTokenVariable} is not a variable name`, 'pass the name of the variable that holds the token, e.g. --health-token-variable CRON_SECRET');
  }
  const composeFile = await need(flags.composeFile ?? facts.composeFile, 'the compose file (relative to the app dir)', '--compose-file FILE', 'docker-compose.yml');
  const database = flags.databaseUrl ? { url: flags.databaseUrl } : {
    service: await need(flags.dbService ?? facts.compose?.db?.service, 'the compose service running PostgreSQL', '--db-service NAME (or --database-url URL)', 'db'),
    name: await need(flags.dbName ?? facts.compose?.db?.name, 'the application database name', '--db-name NAME'),
    user: flags.dbUser ?? facts.compose?.db?.user ?? 'postgres',
  };
  const webService = flags.webService ?? facts.compose?.web?.service ?? null;
  const healthUrl = await need(flags.healthUrl ?? healthUrlOf(facts, preset), 'the health check URL, as reached from this host', '--health-url URL', 'http://127.0.0.1:8000/health/');
  if (missing.length > 0) {
    throw new BadInputError(`ripcord init could not find ${missing.map((m) => m.what).join('; ')} in ${facts.appDir}`,
      `pass ${missing.map((m) => m.flag).join(', ')} (or run it on a terminal to be asked)`);
  }
  return {
    envName: flags.envName ?? 'production', appDir: facts.appDir, composeFile, preset, database,
    webService: webService === 'web' ? null : webService, healthUrl,
    healthToken: await decideHealthToken(healthUrl, facts.healthToken, flags.healthTokenVariable),
    backupsDir: flags.backupsDir ?? facts.backups?.dir ?? join(facts.appDir, 'backups'),
    stateDir: flags.stateDir ?? '/var/lib/ripcord',
  };
}

function presetOf(flag: string | undefined, found: PresetName | null): PresetName | null {
  if (flag === undefined) return found;
  if (flag === 'none') return null;
  if (!isPresetName(flag)) throw new BadInputError(`unknown preset "${flag}"`, 'pass --preset django, --preset nextjs-prisma or --preset none');
  return flag;
}

/** From the compose file's healthcheck or published port, completed by the preset's path and port. */
function healthUrlOf(facts: AppFacts, preset: PresetName | null): string | null {
  const presetHealth = preset ? (presets[preset].health as { port?: number; path?: string }) : {};
  const port = facts.compose?.web?.port ?? presetHealth.port ?? null;
  const path = facts.compose?.web?.healthPath ?? presetHealth.path ?? null;
  return port !== null && path !== null ? `http://127.0.0.1:${port}${path}` : null;
}
