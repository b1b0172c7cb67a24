/**
 * The starting point a deploy needs, checked on the host by doctor and again by every preflight:
 * the database ripcord.yml names is the one the app uses (its containers' DATABASE_URL or the
 * database service's POSTGRES_DB), its migrations table is there, and the app answers its health
 * check (with the configured headers). Before the first deploy nothing runs: the checks that need
 * a running app are skipped, with why.
 */
import type { ComposeTarget } from '../adapters/compose-cli.js';
import type { ContainerRuntime, ServiceContainer } from '../adapters/dockerode-runtime.js';
import { describeFailure, probeHealth } from '../adapters/http-health.js';
import { accessOf } from '../backups/access.js';
import { sql } from '../backups/database-facts.js';
import { KNOWN_MIGRATIONS_TABLES } from '../backups/database-state.js';
import { connectionOf, quoteLiteral, type DatabaseAccess } from '../backups/pg-commands.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { appContainerClaims, compareAppDatabase, databaseContainerClaims, type DatabaseClaim } from '../domain/app-database.js';
import { fail, ok, skip, warn, type CheckResult } from './check.js';

export interface StartingPointTarget {
  env: EnvironmentConfig;
  runtime: ContainerRuntime;
  compose: ComposeTarget & { project: string };
}

export interface StartingPoint {
  /** False before the first deploy: no container of the app exists yet. */
  appRuns: boolean;
  database: CheckResult;
  migrations: CheckResult;
  health: CheckResult;
}

/** A running app answers at once; a few quick attempts ride out a blip without holding a deploy for long. */
const HEALTH_ATTEMPTS = 3;
const HEALTH_DELAY_MS = 2000;

export async function checkStartingPoint(t: StartingPointTarget): Promise<StartingPoint> {
  const containers = (await t.runtime.serviceContainers(t.compose.project)).filter((c) => !c.oneOff);
  const dbService = t.env.database.service;
  const app = containers.filter((c) => c.service !== dbService);
  const appRuns = app.length > 0;
  const dbContainer = containers.find((c) => c.service === dbService && c.state === 'running');
  const access = await accessOf(t.env, { compose: t.compose, container: dbContainer?.id });
  const database = await databaseCheck(t, access, [...app, ...(dbContainer ? [dbContainer] : [])]);
  const migrations = database.status === 'fail' ? skip('migrations table', 'not looked for: the app database check failed')
    : !appRuns && !dbContainer && !t.env.database.url ? skip('migrations table', `neither the database service ${dbService ?? 'db'} nor the app runs yet (first deploy): there is no database to look in`)
      : await migrationsCheck(t.env, access, appRuns);
  return { appRuns, database, migrations, health: appRuns ? await healthCheck(t.env) : skip('health', 'no container of the app exists yet (first deploy): there is nothing to check until it runs') };
}

/** The three checks as doctor lines. */
export const startingPointResults = (p: StartingPoint): CheckResult[] => [p.database, p.migrations, p.health];

async function databaseCheck(t: StartingPointTarget, access: DatabaseAccess, containers: readonly ServiceContainer[]): Promise<CheckResult> {
  const configured = connectionOf(access).dbname;
  const claims: DatabaseClaim[] = [];
  for (const c of containers) {
    // The environment holds the app's secrets: read here for the names in it, and dropped.
    const env = (await t.runtime.blueprint(c.id)).create.Env ?? [];
    claims.push(...(c.service === t.env.database.service ? databaseContainerClaims(c.service, env) : appContainerClaims(c.service, env)));
  }
  const verdict = compareAppDatabase(configured, claims, t.env.database.url ? 'database.url' : 'database.name');
  if (verdict.status === 'mismatch') return fail('app database', verdict.detail, verdict.fix);
  if (verdict.status === 'match') return ok('app database', verdict.detail);
  return warn('app database', verdict.detail, 'nothing to do if ripcord.yml names the right database; the migrations table check below looks inside it');
}

/** The configured table, else the first of the common tools' tables that exists. */
async function migrationsCheck(env: EnvironmentConfig, access: DatabaseAccess, appRuns: boolean): Promise<CheckResult> {
  const configured = env.database.migrations.table;
  const candidates = configured ? [configured] : KNOWN_MIGRATIONS_TABLES;
  const dbname = connectionOf(access).dbname;
  const values = candidates.map((c, i) => `(${quoteLiteral(c)}, ${i})`).join(', ');
  let found: string;
  try {
    found = await sql(access, dbname, `select coalesce((select name from (values ${values}) as t(name, ord) where to_regclass(name) is not null order by ord limit 1), '')`, 30_000);
  } catch (error) {
    return fail('migrations table', `database ${dbname} cannot be read: ${(error as Error).message}`, `start PostgreSQL, and check that database ${dbname} exists and is the app's (database.name / database.url)`);
  }
  const looked = configured ? `table ${configured} (database.migrations.table)` : `any of ${candidates.length} common migrations tables (django_migrations, _prisma_migrations, schema_migrations, …)`;
  if (found) return ok('migrations table', `${dbname} has ${found}`);
  if (!env.stages.migrate) return skip('migrations table', `${dbname} has none of ${looked}, and no migrate stage is configured`);
  if (!appRuns) return skip('migrations table', `${dbname} has none of ${looked} yet; no container of the app exists (first deploy): its migrate stage makes it`);
  return fail('migrations table', `${dbname} has none of ${looked}, yet the app runs: its migrations never ran in this database, so it is probably not the app's`,
    `set database.name (or database.url) to the database the app uses; if the table has another name, set database.migrations.table`);
}

async function healthCheck(env: EnvironmentConfig): Promise<CheckResult> {
  const health = env.health;
  const outcome = await probeHealth(health, { retries: Math.min(health.retries, HEALTH_ATTEMPTS), delayMs: Math.min(health.delaySeconds * 1000, HEALTH_DELAY_MS) });
  if (outcome.healthy) return ok('health', outcome.summary);
  const status = outcome.attempts.at(-1)?.status;
  const unauthorized = (status === 401 || status === 403) && !Object.keys(health.headers).some((h) => h.toLowerCase() === 'authorization');
  const fix = unauthorized
    ? 'the route wants a token: set health.headers: { Authorization: "Bearer ${CRON_SECRET}" } (the app\'s own variable, from --env-file)'
    : 'make the app healthy first (compose logs), or deploy a fix forward with `ripcord deploy REF --allow-unhealthy`';
  return fail('health', `the app is not healthy now: ${describeFailure(health, outcome.attempts)}`, fix);
}
