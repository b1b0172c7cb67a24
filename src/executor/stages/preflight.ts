/**
 * Preflight: prove the starting point and record what is running before anything changes — the
 * database ripcord.yml names is the app's and has its migrations table, the app is healthy, the
 * SHA, every service's image ID and name — and resolve the target. A failure here means nothing
 * changed: the deploy is refused.
 */
import { dirname } from 'node:path';
import type { ContainerBlueprint } from '../../adapters/container-blueprint.js';
import { checkStartingPoint, startingPointResults, type StartingPoint } from '../../doctor/starting-point.js';
import { discardOtherOperationEnvs, keepOperationEnv } from '../../state/operation-env.js';
import { pruneJournals } from '../prune-journals.js';
import { databaseServices, failed, passed, type StageOutcome } from '../stage-context.js';
import type { ExecutorEnv } from '../executor-env.js';

export const PREVIOUS_IMAGE_NAMES = 'previousImageNames';
/** service → how its one container was created (container-blueprint.ts), for a rollback without compose. */
export const PREVIOUS_CONTAINERS = 'previousContainers';
/** Set when the app was not healthy before the deploy and `--allow-unhealthy` let it go on: what the check found. */
export const ALLOWED_UNHEALTHY = 'allowedUnhealthy';

export interface PreflightOptions {
  /** A fix-forward deploy: an app that fails its health check now does not refuse the deploy (recorded). */
  allowUnhealthy?: boolean;
}

/**
 * `journalPath`: the operation's journal; the containers' environments are kept beside it (not in
 * it) until the operation finishes (state/operation-env.ts). Without it they are not kept and a
 * rollback starts the previous containers through compose.
 */
export async function preflightStage(x: ExecutorEnv, ref: string, journalPath?: string, opts: PreflightOptions = {}): Promise<StageOutcome> {
  const previousSha = await x.repo.currentSha();
  if (!(await x.repo.isClean())) {
    return failed(`preflight: ${x.env.appDir} has uncommitted changes to tracked files; a deploy would overwrite them`,
      { fix: `commit or discard them (git -C ${x.env.appDir} status), then deploy again` });
  }
  await x.repo.fetch(x.env.remote);
  const targetSha = await x.repo.resolve(ref);
  const start = await checkStartingPoint({ env: x.env, runtime: x.runtime, compose: x.compose });
  const startingPoint = startingPointResults(start);
  const refusal = refusalOf(start, opts.allowUnhealthy ?? false);
  if (refusal) return failed(`preflight: ${refusal.detail} — ${refusal.fix ?? ''}`, { startingPoint, fix: refusal.fix });
  const allowed = start.health.status === 'fail' ? { [ALLOWED_UNHEALTHY]: `${start.health.detail} (deployed anyway: --allow-unhealthy)` } : {};
  const containers = (await x.runtime.serviceContainers(x.compose.project)).filter((c) => !c.oneOff);
  const previousImages = Object.fromEntries(containers.map((c) => [c.service, c.imageId]));
  const previousImageNames = Object.fromEntries(containers.map((c) => [c.service, c.imageName]));
  const states = Object.fromEntries(containers.map((c) => [c.service, c.health ? `${c.state} (${c.health})` : c.state]));
  const app = containers.filter((c) => !databaseServices(x.env).has(c.service) && containers.filter((o) => o.service === c.service).length === 1);
  const blueprints = await Promise.all(app.map((c) => x.runtime.blueprint(c.id)));
  const previousContainers = Object.fromEntries(blueprints.map((b) => [b.service, withoutEnv(b)]));
  if (journalPath) {
    await discardOtherOperationEnvs(dirname(journalPath), journalPath);
    await pruneJournals(x.stateDir, x.name);
    await keepOperationEnv(journalPath, Object.fromEntries(blueprints.map((b) => [b.service, b.create.Env ?? []])));
  }
  return passed({ previousSha, targetSha, previousImages, [PREVIOUS_IMAGE_NAMES]: previousImageNames, [PREVIOUS_CONTAINERS]: previousContainers, ...allowed },
    { compose: states, startingPoint });
}

/** The first failed check that refuses the deploy; an unhealthy app only without `--allow-unhealthy`. */
function refusalOf(start: StartingPoint, allowUnhealthy: boolean) {
  const checks = allowUnhealthy ? [start.database, start.migrations] : [start.database, start.migrations, start.health];
  return checks.find((c) => c.status === 'fail') ?? null;
}

/** The journal keeps how a container was made, never its environment: that holds the app's secrets. */
function withoutEnv(b: ContainerBlueprint): ContainerBlueprint {
  const { Env: _env, ...create } = b.create;
  return { ...b, create };
}
