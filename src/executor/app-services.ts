/**
 * Stopping the app's containers through the Docker Engine API, all at once (a `compose stop` would
 * add its start-up to every rollback). Never the database service's, never one-off containers
 * (recovery and `stop_new_services` remove those).
 */
import type { ServiceContainer } from '../adapters/dockerode-runtime.js';
import type { ExecutorEnv } from './executor-env.js';
import { databaseServices } from './stage-context.js';

/** Stops the running app containers that `which` selects (all by default); returns their services. */
export async function stopAppContainers(x: ExecutorEnv, which: (c: ServiceContainer) => boolean = () => true): Promise<string[]> {
  const keep = databaseServices(x.env);
  const running = (await x.runtime.serviceContainers(x.compose.project)).filter((c) => !c.oneOff && !keep.has(c.service) && c.state === 'running' && which(c));
  await Promise.all(running.map((c) => x.runtime.stopContainer(c.id)));
  return running.map((c) => c.service);
}
