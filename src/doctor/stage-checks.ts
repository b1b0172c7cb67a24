/**
 * The stage commands' services: each service that migrate, static or integrity runs in gets a no-op
 * one-off (`true`) by the very mechanism a deploy uses (adapters/compose-one-off.ts), so a host where
 * it cannot run — no such service, an image that is not built, a setting compose refuses — is found
 * before the first deploy, not in the middle of one.
 */
import { composeTargetForEnvironment } from '../adapters/compose-project.js';
import { runOneOff } from '../adapters/compose-one-off.js';
import { commandError } from '../adapters/compose-output.js';
import { DockerodeRuntime, dockerFromEnvironment } from '../adapters/dockerode-runtime.js';
import { fail, ok, type Check, type CheckResult } from './check.js';

const STAGES = ['migrate', 'static', 'integrity'] as const;

export const checkStageServices: Check = async ({ env, processEnv }) => {
  const byService = new Map<string, string[]>();
  for (const stage of STAGES) {
    const cmd = env.stages[stage];
    if (cmd) byService.set(cmd.service, [...(byService.get(cmd.service) ?? []), stage]);
  }
  if (byService.size === 0) return ok('stage services', 'no migrate, static or integrity command is configured');
  const target = await composeTargetForEnvironment(env);
  const runtime = new DockerodeRuntime(dockerFromEnvironment(processEnv));
  const results: CheckResult[] = [];
  for (const [service, stages] of byService) {
    const name = `stage service ${service}`;
    const fix = `make a one-off run in ${service} (it must exist in ${env.composeFile} and its image be built: \`${target.program.join(' ')} build ${service}\`), or set stages.${stages[0]}.service to a service that can`;
    try {
      const r = await runOneOff(target, { imageIdOf: (image) => runtime.imageIdOf(image) }, service, 'true', 120_000);
      if (r.exitCode === 0) results.push(ok(name, `a one-off command runs in ${service} (${stages.join(', ')})`));
      else results.push(fail(name, `a one-off command cannot run in ${service}: ${commandError(`${r.stdout}\n${r.stderr}`) ?? `exit ${r.exitCode}`}`, fix));
    } catch (error) {
      results.push(fail(name, `a one-off command cannot run in ${service}: ${(error as Error).message}`, fix));
    }
  }
  return results;
};
