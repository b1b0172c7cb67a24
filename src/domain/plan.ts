/**
 * The deploy plan: which stages run for an environment, in order, what undoing each takes and
 * whether it may change the database. Plain data built by a pure function, so `--dry-run` prints
 * exactly what a real deploy would run, and the rollback plan can be derived from the same table.
 */
import { DEPLOY_STAGES, type DeployStageName } from './deployment-state.js';
import type { Commit, FileChange } from './ports-source.js';
import { shortSha } from './ref.js';

export type { DeployStageName } from './deployment-state.js';

/**
 * What undoing a stage takes. The rollback plan runs the union of these for every stage that
 * started, in the fixed order of {@link UNDO_ORDER}, whatever order the stages declared them in.
 */
export type UndoKind = 'git_reset' | 'stop_new_services' | 'restore_database' | 'start_previous_images';

/** Code first (harmless to running containers, and a fallback rebuild then builds the old code), then stop, restore, start. */
export const UNDO_ORDER: readonly UndoKind[] = ['git_reset', 'stop_new_services', 'restore_database', 'start_previous_images'];

/**
 * Each stage's undo, as data.
 * - build only moves image tags; running containers keep the old images, so undoing it is
 *   pointing the tags back and `up` (a no-op for unchanged containers) — no stop, no downtime.
 * - migrate, static and up run the new release's code against the database, so the database may
 *   have changed: stop the app (nothing may write during a restore), restore, start the old images.
 * - preflight and backup change nothing; the checks only observe what `up` did.
 */
export const STAGE_UNDO: Readonly<Record<DeployStageName, readonly UndoKind[]>> = {
  preflight: [],
  backup: [],
  fetch: ['git_reset'],
  build: ['start_previous_images'],
  migrate: ['stop_new_services', 'restore_database', 'start_previous_images'],
  static: ['stop_new_services', 'restore_database', 'start_previous_images'],
  up: ['stop_new_services', 'restore_database', 'start_previous_images'],
  health: [],
  integrity: [],
  logs: [],
};

/** A command run inside a compose service (the shape of `ServiceCommand` in src/config/schema.ts). */
export interface PlanServiceCommand {
  service: string;
  command: string;
  timeoutSeconds?: number;
}

/**
 * The parts of an environment's configuration the plan depends on. `EnvironmentConfig` from
 * src/config satisfies it structurally; src/domain may not import src/config.
 */
export interface PlanEnvironment {
  remote: string;
  backups: { enabled: boolean };
  stages: {
    build: boolean;
    migrate: PlanServiceCommand | null;
    static: PlanServiceCommand | null;
    integrity: PlanServiceCommand | null;
  };
  health: { url: string; expectStatus: number; retries: number };
  logs: { criticalPatterns: readonly string[] };
}

/** One stage of a deploy plan. */
export interface StageSpec {
  name: DeployStageName;
  /** What it does, in words, for `--dry-run` and Slack. */
  description: string;
  undo: readonly UndoKind[];
  /** True when the stage runs code of the new release against the database. */
  mayChangeDatabase: boolean;
  /** migrate, static, integrity: the command, run inside its service. */
  command?: PlanServiceCommand;
}

/**
 * What `--dry-run` shows beyond the stages, filled in from git by src/executor/deploy-preview.ts.
 * Each part is either known, or says plainly why it is not.
 */
export interface DeployPreview {
  commits: readonly Commit[];
  /**
   * Which migrations the configured command will apply is known only when it runs (it is the new
   * release's code); `why` says so, and `files` lists what the release changes in migration
   * directories, as a hint. `known: true` with no files when no migrate command is configured.
   */
  migrations: { known: boolean; why: string; files: readonly FileChange[] };
  /** The services of the target release's compose file that have a build section; null when it cannot be read. */
  imagesToBuild: { services: ReadonlyArray<{ service: string; context: string }> | null; why?: string };
}

export interface DeployPlan {
  kind: 'deploy';
  ref: string;
  targetSha: string;
  /** Null on a first deploy into an empty checkout. */
  currentSha: string | null;
  stages: readonly StageSpec[];
  skipped: ReadonlyArray<{ stage: DeployStageName; why: string }>;
  preview?: DeployPreview;
}

type StageBuilder = (env: PlanEnvironment, target: { ref: string; sha: string }) => Omit<StageSpec, 'name' | 'undo' | 'mayChangeDatabase'> | string;

const inService = (c: PlanServiceCommand) => ({ description: `\`${c.command}\` in ${c.service}`, command: c });

/** Per stage: its description, or the reason it is skipped (a string). */
const STAGE_BUILDERS: Readonly<Record<DeployStageName, StageBuilder>> = {
  preflight: () => ({ description: 'take the environment lock; record the current SHA, the image ID of every service and compose state' }),
  backup: (env) => env.backups.enabled ? { description: 'pre-deploy dump of the app database, verified before going on' } : 'backups.enabled is false',
  fetch: (env, t) => ({ description: `fetch ${env.remote} (tags too) and check out ${shortSha(t.sha)} (${t.ref})` }),
  build: (env) => env.stages.build ? { description: 'compose build' } : 'stages.build is false',
  migrate: (env) => env.stages.migrate ? inService(env.stages.migrate) : 'stages.migrate is not set',
  static: (env) => env.stages.static ? inService(env.stages.static) : 'stages.static is not set',
  up: () => ({ description: 'compose up -d --no-build --remove-orphans' }),
  health: (env) => ({ description: `GET ${env.health.url} expects ${env.health.expectStatus} (up to ${env.health.retries} attempts); every container running and healthy` }),
  integrity: (env) => env.stages.integrity
    ? { description: `database reachable; \`${env.stages.integrity.command}\` in ${env.stages.integrity.service}`, command: env.stages.integrity }
    : { description: 'database reachable' },
  logs: (env) => env.logs.criticalPatterns.length > 0
    ? { description: `no line matching ${env.logs.criticalPatterns.map((p) => `/${p}/`).join(', ')} in the new containers' logs` }
    : 'logs.criticalPatterns is empty',
};

/** The stages a deploy of `target` runs for `env`, in order; disabled stages are listed in `skipped` with the reason. */
export function buildDeployPlan(env: PlanEnvironment, target: { ref: string; sha: string }, current: { sha: string | null }): DeployPlan {
  const stages: StageSpec[] = [];
  const skipped: Array<{ stage: DeployStageName; why: string }> = [];
  for (const name of DEPLOY_STAGES) {
    const built = STAGE_BUILDERS[name](env, target);
    if (typeof built === 'string') skipped.push({ stage: name, why: built });
    else stages.push({ name, ...built, undo: STAGE_UNDO[name], mayChangeDatabase: STAGE_UNDO[name].includes('restore_database') });
  }
  return { kind: 'deploy', ref: target.ref, targetSha: target.sha, currentSha: current.sha, stages, skipped };
}

/** The plan with what `--dry-run` shows besides the stages. */
export function withPreview(plan: DeployPlan, preview: DeployPreview): DeployPlan {
  return { ...plan, preview };
}
