/**
 * One-off commands (migrate, collectstatic, checks) that work on the hosts people have: compose v1
 * and v2, bridge and host networking, on a service that is running.
 *
 * `compose run SERVICE` is refused by compose v1 under `network_mode: host` while SERVICE has
 * running containers ("host type networking can't be used with links": v1 links a one-off to its
 * own service's containers). So the one-off runs as a service of its own, `ripcord-run-SERVICE`,
 * in a compose file made from `compose config` — the service's configuration as compose itself
 * resolved it for the checked-out release (environment, env_file, volumes, user, networks) — with
 * the image pinned by ID to what the service's image name points at now (right after a build: the
 * new release's code). Compose still creates the container, so every setting means what it means
 * to compose; nothing links it to the running service, and it never takes the service's network
 * alias (no traffic reaches it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { RipcordError, ExitCode } from '../domain/errors.js';
import { composeArgv, type ComposeTarget } from './compose-cli.js';
import { runCommand, type CommandResult } from './process-runner.js';

export const ONE_OFF_PREFIX = 'ripcord-run-';

/** What a one-off must not inherit: start order, links to other services, published ports, replicas. */
const DROPPED_KEYS = ['depends_on', 'links', 'external_links', 'ports', 'scale', 'deploy', 'container_name', 'restart', 'healthcheck', 'profiles', 'extends'];

interface ResolvedProject {
  services?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export function parseResolvedConfig(text: string): ResolvedProject {
  const doc = parse(text) as unknown;
  if (!doc || typeof doc !== 'object' || !('services' in doc)) throw new Error('`compose config` printed no services');
  return doc as ResolvedProject;
}

/** The image names compose gives `service`: its `image`, else what a build is tagged as (v1 `p_s`, v2 `p-s`). */
export function imageNamesOf(project: ResolvedProject, projectName: string, service: string, program: ComposeTarget['program']): string[] {
  const svc = serviceOf(project, service);
  if (typeof svc.image === 'string') return [svc.image];
  if (!svc.build) return [];
  const v1 = `${projectName}_${service}`;
  const v2 = `${projectName}-${service}`;
  return program.length === 1 ? [v1, v2] : [v2, v1];
}

/**
 * The compose file of the one-off: every top-level section as resolved (networks and volumes keep
 * their project names, so the one-off joins the same ones), and one service — the resolved
 * `service` under another name, its image pinned when `imageId` is known.
 */
export function oneOffProject(project: ResolvedProject, service: string, imageId: string | null): { text: string; service: string } {
  const svc: Record<string, unknown> = { ...serviceOf(project, service) };
  for (const key of DROPPED_KEYS) delete svc[key];
  if (imageId) {
    svc.image = imageId;
    delete svc.build;
    delete svc.pull_policy;
  }
  const name = `${ONE_OFF_PREFIX}${service}`;
  return { text: stringify({ ...project, services: { [name]: svc } }), service: name };
}

function serviceOf(project: ResolvedProject, service: string): Record<string, unknown> {
  const svc = project.services?.[service];
  if (!svc) {
    const known = Object.keys(project.services ?? {}).join(', ');
    throw new RipcordError('config_invalid', `service "${service}" is not in the compose file (it has: ${known})`,
      'set the stage\'s service in ripcord.yml to one of those', ExitCode.refused);
  }
  return svc;
}

/** A private file holding the one-off's compose file (it carries the app's environment); removed by `dispose`. */
export function writeOneOffFile(text: string): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ripcord-run-'));
  const path = join(dir, 'compose.yml');
  writeFileSync(path, text, { mode: 0o600 });
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `compose run` of the one-off service; the command goes on argv, where compose never interpolates `$`. */
export function oneOffRunArgv(target: ComposeTarget & { project: string }, file: string, service: string, shellCommand: string): string[] {
  return [...target.program, '-f', file, '-p', target.project, '--project-directory', target.appDir,
    'run', '--rm', '--no-deps', '-T', service, 'sh', '-c', shellCommand];
}

export interface OneOffDeps {
  /** The image ID a name points at now, or null (dockerode-runtime `imageIdOf`). */
  imageIdOf: (name: string) => Promise<string | null>;
  /** Told every child's PID and argv (the executor journals them). */
  onSpawn?: (pid: number, argv: readonly string[]) => void;
  /** Stops the one-off's compose program when it aborts (its container stays: the caller removes it). */
  signal?: AbortSignal | undefined;
}

/**
 * Runs `shellCommand` once in a fresh container of `service` as the checked-out release configures
 * it, with the image its name points at now. Throws when the one-off cannot even be prepared
 * (`compose config` fails, no such service); the command's own failure is in the result.
 */
export async function runOneOff(target: ComposeTarget & { project: string }, deps: OneOffDeps, service: string, shellCommand: string, timeoutMs: number): Promise<CommandResult> {
  const configArgv = composeArgv(target, ['config']);
  const config = await runCommand({ argv: configArgv, cwd: target.appDir, timeoutMs: 60_000, keepBytes: 16 * 1024 * 1024, signal: deps.signal, onSpawn: (pid) => deps.onSpawn?.(pid, configArgv) });
  if (config.exitCode !== 0) throw new Error(`\`${target.program.join(' ')} config\` failed: ${(config.stderr || config.stdout).trim().split('\n').at(-1) ?? `exit ${config.exitCode}`}`);
  const project = parseResolvedConfig(config.stdout);
  let imageId: string | null = null;
  for (const name of imageNamesOf(project, target.project, service, target.program)) {
    imageId = await deps.imageIdOf(name);
    if (imageId) break;
  }
  const oneOff = oneOffProject(project, service, imageId);
  const file = writeOneOffFile(oneOff.text);
  try {
    const argv = oneOffRunArgv(target, file.path, oneOff.service, shellCommand);
    return await runCommand({ argv, cwd: target.appDir, timeoutMs, signal: deps.signal, onSpawn: (pid) => deps.onSpawn?.(pid, argv) });
  } finally {
    file.dispose();
  }
}
