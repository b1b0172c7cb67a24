/**
 * Starting the previous images of a rollback without compose, when preflight recorded how every
 * app container was created and the order compose would start them in is known: each container
 * is created again from its blueprint (compose labels and config hash included, so compose later
 * sees it as up to date) and started through the Engine API — no compose start-up on the critical
 * path. Otherwise the caller runs one `compose up`.
 */
import { startOrder, type ContainerBlueprint } from '../adapters/container-blueprint.js';
import type { JournalFacts } from '../domain/journal-facts.js';
import { journalPath } from '../state/journal.js';
import { readOperationEnv } from '../state/operation-env.js';
import type { ExecutorEnv } from './executor-env.js';
import { PREVIOUS_CONTAINERS } from './stages/preflight.js';
import { databaseServices } from './stage-context.js';

/** The services recreated, or null when compose must do it. */
export async function recreateWithoutCompose(x: ExecutorEnv, images: Readonly<Record<string, string>>, facts: JournalFacts): Promise<string[] | null> {
  const recorded = await withEnvironments((facts.facts[PREVIOUS_CONTAINERS] ?? {}) as Record<string, ContainerBlueprint | undefined>, journalPath(x.stateDir, x.name, facts.header.id));
  if (!recorded) return null;
  const keep = databaseServices(x.env);
  const blueprints = Object.keys(images).filter((s) => !keep.has(s)).map((s) => recorded[s]);
  // Nothing recorded (no image IDs, or containers from before this feature): compose knows best.
  if (blueprints.length === 0 || blueprints.some((b) => !b)) return null;
  const order = startOrder(blueprints as ContainerBlueprint[]);
  if (!order) return null;
  const current = (await x.runtime.serviceContainers(x.compose.project)).filter((c) => !c.oneOff && !keep.has(c.service));
  for (const service of order) {
    const bp = recorded[service]!;
    const mine = current.filter((c) => c.service === service);
    // The very container that ran before (the deploy never replaced it): start it, nothing more.
    if (mine.length === 1 && mine[0]!.id === bp.id) await x.runtime.startContainer(bp.id);
    else await x.runtime.recreate(bp, mine.map((c) => c.id));
  }
  // As compose's --remove-orphans: what the failed release ran that did not run before goes.
  await Promise.all(current.filter((c) => !order.includes(c.service)).map((c) => x.runtime.removeContainer(c.id)));
  return order;
}

/**
 * The blueprints with the environments kept beside the journal put back, or null when those are
 * gone (the operation's file was removed, or it predates them): then compose starts the containers,
 * reading the environment from the app's files as it always does. Blueprints journaled with their
 * environment (before it was kept apart) are used as they are.
 */
async function withEnvironments(recorded: Record<string, ContainerBlueprint | undefined>, journal: string): Promise<Record<string, ContainerBlueprint | undefined> | null> {
  const all = Object.values(recorded).filter((b): b is ContainerBlueprint => b !== undefined);
  if (all.every((b) => b.create.Env !== undefined)) return recorded;
  const envs = await readOperationEnv(journal);
  if (!envs || all.some((b) => b.create.Env === undefined && envs[b.service] === undefined)) return null;
  return Object.fromEntries(Object.entries(recorded).map(([s, b]) => [s, b && { ...b, create: { ...b.create, Env: b.create.Env ?? envs[b.service] } }]));
}
