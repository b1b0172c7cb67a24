/**
 * Loads ripcord.yml: YAML → ${VAR} interpolation → preset defaults → file values → the old
 * scripts' environment variables → zod validation. Every problem is collected and reported at
 * once with its path and fix, never one at a time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, RipcordError, ExitCode, type ConfigIssue } from '../domain/errors.js';
import { seedOverrides } from './env-overrides.js';
import { interpolate } from './interpolate.js';
import { isPlainObject, isPresetName, mergeDeep, presets } from './presets.js';
import { ripcordConfigSchema, type RipcordConfig } from './schema.js';

export interface LoadOptions {
  /** --config; falls back to $RIPCORD_CONFIG, ./ripcord.yml, /etc/ripcord/ripcord.yml. */
  configPath?: string | undefined;
  /** --env-file: KEY=VALUE lines (a .env.production file); the process environment wins over it. */
  envFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

export interface LoadedConfig {
  config: RipcordConfig;
  /** The file read, or null when the config came from the old scripts' variables alone. */
  source: string | null;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const processEnv = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const issues: ConfigIssue[] = [];
  const vars = { ...readEnvFile(options.envFile ?? processEnv.RIPCORD_ENV_FILE, cwd), ...processEnv };

  const source = findConfigFile(options.configPath ?? vars.RIPCORD_CONFIG, cwd);
  const raw = source ? readYaml(source, issues) : configFromSeedVariables(vars);
  const interpolated = interpolate(raw, vars, issues);
  const merged = applyDefaults(interpolated, vars, issues);

  const result = ripcordConfigSchema.safeParse(merged);
  if (!result.success) issues.push(...result.error.issues.flatMap(toConfigIssues));
  if (issues.length > 0 || !result.success) throw new ConfigError(issues, source ?? 'environment variables');
  return { config: result.data, source };
}

function findConfigFile(explicit: string | undefined, cwd: string): string | null {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new RipcordError('config_missing', `config file ${path} does not exist`, 'pass --config with the path of ripcord.yml (examples in deploy/)', ExitCode.refused);
    }
    return path;
  }
  return [join(cwd, 'ripcord.yml'), '/etc/ripcord/ripcord.yml'].find((p) => existsSync(p)) ?? null;
}

function readEnvFile(path: string | undefined, cwd: string): Record<string, string> {
  if (!path) return {};
  const full = resolve(cwd, path);
  if (!existsSync(full)) {
    throw new RipcordError('config_missing', `env file ${full} does not exist`, 'pass --env-file with an existing KEY=VALUE file, or leave it out', ExitCode.refused);
  }
  return parseDotenv(readFileSync(full));
}

function readYaml(path: string, issues: ConfigIssue[]): unknown {
  const doc = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true });
  for (const e of doc.errors) {
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'YAML';
    issues.push({ path: where, problem: e.message.split('\n')[0] ?? e.message, fix: 'fix the YAML syntax (indentation uses spaces; quote values containing ": ")' });
  }
  return doc.errors.length > 0 ? {} : (doc.toJS() ?? {});
}

/** No ripcord.yml: a host that ran the old scripts has APP_DIR etc. set; make one environment from them. */
function configFromSeedVariables(vars: Readonly<Record<string, string | undefined>>): unknown {
  if (!vars.APP_DIR) {
    throw new RipcordError('config_missing', 'no ripcord.yml found (looked in ./ripcord.yml and /etc/ripcord/ripcord.yml) and APP_DIR is not set',
      'write one for your app with `ripcord init /path/to/app`, or pass --config PATH (set RIPCORD_CONFIG); to see Ripcord work first, run `ripcord demo`', ExitCode.refused);
  }
  return { environments: { production: { preset: vars.RIPCORD_PRESET ?? 'django' } } };
}

function applyDefaults(raw: unknown, vars: Readonly<Record<string, string | undefined>>, issues: ConfigIssue[]): unknown {
  if (!isPlainObject(raw)) {
    issues.push({ path: '(top level)', problem: 'is not a mapping', fix: 'start the file with keys such as `environments:` (see deploy/ripcord.django.yml)' });
    return {};
  }
  const slack = mergeDeep({ botToken: vars.SLACK_BOT_TOKEN, appToken: vars.SLACK_APP_TOKEN, signingSecret: vars.SLACK_SIGNING_SECRET }, raw.slack ?? {});
  const envs = raw.environments;
  if (!isPlainObject(envs)) return { ...raw, slack };
  const count = Object.keys(envs).length;
  const overrides = seedOverrides(vars, count, issues);
  const environments = Object.fromEntries(Object.entries(envs).map(([name, env]) => [name, resolveEnvironment(env, overrides)]));
  return { ...raw, slack, environments };
}

function resolveEnvironment(env: unknown, overrides: Record<string, unknown>): unknown {
  if (!isPlainObject(env)) return env;
  const preset = isPresetName(env.preset) ? presets[env.preset] : {};
  const merged = mergeDeep(mergeDeep(preset, env), overrides) as Record<string, unknown>;
  const appDir = typeof merged.appDir === 'string' ? merged.appDir : undefined;
  if (appDir?.startsWith('/')) {
    merged.logDir ??= join(appDir, 'logs');
    const backups = isPlainObject(merged.backups) ? merged.backups : {};
    merged.backups = { ...backups, dir: backups.dir ?? join(appDir, 'backups') };
  }
  merged.health = healthUrlFromParts(merged.health);
  return merged;
}

/** Presets know the path and port; a full `url` in the file always wins. */
function healthUrlFromParts(health: unknown): unknown {
  if (!isPlainObject(health)) return health;
  const { port, path, ...rest } = health;
  if (rest.url !== undefined || (port === undefined && path === undefined)) return rest;
  return { ...rest, url: `http://127.0.0.1:${String(port ?? 80)}${String(path ?? '/')}` };
}

function toConfigIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: path ? `${path}.${key}` : key,
      problem: 'is not a setting Ripcord knows',
      fix: `remove it or fix its spelling (docs/CONFIGURATION.md lists the keys${path ? ` of ${path}` : ''})`,
    }));
  }
  const [problem, example] = issue.message.split(/,? e\.g\. /);
  return [{ path, problem: problem ?? issue.message, fix: example ? `write e.g. ${example}` : 'see docs/CONFIGURATION.md' }];
}
