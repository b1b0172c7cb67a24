/** Doctor's view of the starting point a deploy's preflight demands (starting-point.ts). */
import { composeTargetForEnvironment } from '../adapters/compose-project.js';
import { DockerodeRuntime, dockerFromEnvironment } from '../adapters/dockerode-runtime.js';
import type { Check } from './check.js';
import { checkStartingPoint, startingPointResults } from './starting-point.js';

export const checkAppStartingPoint: Check = async ({ env, processEnv }) => {
  const compose = await composeTargetForEnvironment(env);
  const runtime = new DockerodeRuntime(dockerFromEnvironment(processEnv));
  return startingPointResults(await checkStartingPoint({ env, runtime, compose }));
};
