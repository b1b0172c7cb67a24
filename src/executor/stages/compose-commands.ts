/** Stages that run compose: build, a service command (migrate, static, integrity), up, stop. */
import { composeArgv } from '../../adapters/compose-cli.js';
import { ONE_OFF_PREFIX, runOneOff } from '../../adapters/compose-one-off.js';
import { commandError, meaningfulTail } from '../../adapters/compose-output.js';
import { runCommand, type CommandResult } from '../../adapters/process-runner.js';
import type { ServiceCommand } from '../../config/schema.js';
import { failed, passed, tailLines, type StageContext, type StageOutcome } from '../stage-context.js';

const BUILD_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Builds that fail can still exit 0 (old compose releases, BuildKit wrappers); the output is
 * checked too. These are the lines the legacy builder, BuildKit and compose v1/v2 print on failure.
 */
const buildFailurePatterns = [
  /returned a non-zero code: \d+/,
  /^ERROR: Service '.+' failed to build/m,
  /failed to solve:/,
  /^ERROR \[/m,
  /did not complete successfully: exit code: \d+/,
];

export function buildFailedInOutput(output: string): string | null {
  for (const p of buildFailurePatterns) {
    const m = p.exec(output);
    if (m) return output.split('\n').find((l) => p.test(l))?.trim() ?? m[0];
  }
  return null;
}

export async function compose(ctx: StageContext, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const argv = composeArgv(ctx.compose, args);
  return runCommand({ argv, cwd: ctx.compose.appDir, timeoutMs, signal: ctx.signal, onSpawn: (pid) => ctx.onChild(pid, argv) });
}

export async function buildStage(ctx: StageContext): Promise<StageOutcome> {
  // --force-rm: a failed step's intermediate container would otherwise outlive the failed release.
  const r = await compose(ctx, ['build', '--force-rm'], BUILD_TIMEOUT_MS);
  const output = `${r.stdout}\n${r.stderr}`;
  const detected = buildFailedInOutput(output);
  if (r.exitCode !== 0 || detected) {
    const why = detected ?? (r.timedOut ? 'timed out' : `exit ${r.exitCode}`);
    return failed(`build: ${why}`, { exitCode: r.exitCode, outputTail: tailLines(output, 60) });
  }
  return passed(undefined, { durationMs: r.durationMs, outputTail: tailLines(output, 10) });
}

/** migrate, static, integrity: a one-off of the configured service on the image it has now (compose-one-off.ts). */
export async function serviceCommandStage(ctx: StageContext, name: string, cmd: ServiceCommand): Promise<StageOutcome> {
  let r: CommandResult;
  try {
    r = await runOneOff(ctx.compose, { imageIdOf: (image) => ctx.runtime.imageIdOf(image), onSpawn: ctx.onChild, signal: ctx.signal }, cmd.service, cmd.command, cmd.timeoutSeconds * 1000);
  } catch (error) {
    return failed(`${name}: cannot run \`${cmd.command}\` in ${cmd.service}: ${(error as Error).message}`);
  }
  // A killed `compose run` leaves its container running in the engine: a timed-out or cancelled migration must not go on.
  if (r.timedOut || ctx.signal?.aborted) await removeOneOffContainers(ctx, cmd.service);
  const output = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode !== 0) {
    const last = r.timedOut ? `timed out after ${cmd.timeoutSeconds} s` : (commandError(output) ?? `exit ${r.exitCode}`);
    return failed(`${name}: \`${cmd.command}\` failed: ${last}`, { exitCode: r.exitCode, timedOut: r.timedOut, outputTail: meaningfulTail(output, 60) });
  }
  return passed(undefined, { outputTail: meaningfulTail(output, 20), durationMs: r.durationMs });
}

async function removeOneOffContainers(ctx: StageContext, service: string): Promise<void> {
  const mine = (await ctx.runtime.serviceContainers(ctx.compose.project)).filter((c) => c.oneOff && c.service === `${ONE_OFF_PREFIX}${service}`);
  await Promise.all(mine.map((c) => ctx.runtime.removeContainer(c.id)));
}

export async function upStage(ctx: StageContext): Promise<StageOutcome> {
  const r = await compose(ctx, ['up', '-d', '--no-build', '--remove-orphans'], 10 * 60 * 1000);
  if (r.exitCode !== 0) return failed(`up: compose up failed: ${commandError(`${r.stdout}\n${r.stderr}`) ?? `exit ${r.exitCode}`}`, { outputTail: tailLines(`${r.stdout}\n${r.stderr}`, 40) });
  const containers = await ctx.runtime.serviceContainers(ctx.compose.project);
  const images = Object.fromEntries(containers.filter((c) => !c.oneOff).map((c) => [c.service, c.imageId]));
  return passed({ newImages: images });
}
