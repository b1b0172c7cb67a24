/**
 * Preflight: record what is running before anything changes — the SHA, every service's image ID
 * and name — and resolve the target. A failure here means nothing changed: the deploy is refused.
 */
import { dirname } from 'node:path';
import type { ContainerBlueprint } from '../../adapters/container-blueprint.js';
import { discardOtherOperationEnvs, keepOperationEnv } from '../../state/operation-env.js';
import { pruneJournals } from '../prune-journals.js';
import { databaseServices, failed, passed, type StageOutcome } from '../stage-context.js';
import type { ExecutorEnv } from '../executor-env.js';

export const PREVIOUS_IMAGE_NAMES = 'previousImageNames';
/** service → how its one container was created (container-blueprint.ts), for a rollback without compose. */
export const PREVIOUS_CONTAINERS = 'previousContainers';

/**
 * `journalPath`: the operation's journal; the containers' environments are kept beside it (not in
 * it) until the operation finishes (state/operation-env.ts). Without it they are not kept and a
 * rollback starts the previous containers through compose.
 */
export async function preflightStage(x: ExecutorEnv, ref: string, journalPath?: string): Promise<StageOutcome> {
  const previousSha = await x.repo.currentSha();
  if (!(await x.repo.isClean())) {
    return failed(`preflight: ${x.env.appDir} has uncommitted changes to tracked files; a deploy would overwrite them`,
      { fix: `commit or discard them (git -C ${x.env.appDir} status), then deploy again` });
  }
  await x.repo.fetch(x.env.remote);
  const targetSha = await x.repo.resolve(ref);
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
  return passed({ previousSha, targetSha, previousImages, [PREVIOUS_IMAGE_NAMES]: previousImageNames, [PREVIOUS_CONTAINERS]: previousContainers }, { compose: states });
}

/** The journal keeps how a container was made, never its environment: that holds the app's secrets. */
function withoutEnv(b: ContainerBlueprint): ContainerBlueprint {
  const { Env: _env, ...create } = b.create;
  return { ...b, create };
}
