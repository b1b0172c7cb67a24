/** Stages that run compose: build, a service command (migrate, static, integrity), up, stop. */
import { composeArgv, composeRunArgv } from '../../adapters/compose-cli.js';
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

/** The line that says what went wrong: the last one mentioning an error, else the last one. */
export function errorLine(output: string): string | undefined {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !/^\d+$/.test(l));
  return lines.findLast((l) => /error|fatal|failed|exception|traceback/i.test(l)) ?? lines.at(-1);
}

export async function compose(ctx: StageContext, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const argv = composeArgv(ctx.compose, args);
  return runCommand({ argv, cwd: ctx.compose.appDir, timeoutMs, onSpawn: (pid) => ctx.onChild(pid, argv) });
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

export async function serviceCommandStage(ctx: StageContext, name: string, cmd: ServiceCommand): Promise<StageOutcome> {
  const argv = composeRunArgv(ctx.compose, cmd.service, cmd.command);
  const r = await runCommand({ argv, cwd: ctx.compose.appDir, timeoutMs: cmd.timeoutSeconds * 1000, onSpawn: (pid) => ctx.onChild(pid, argv) });
  const output = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode !== 0) {
    const last = r.timedOut ? `timed out after ${cmd.timeoutSeconds} s` : (errorLine(output) ?? `exit ${r.exitCode}`);
    return failed(`${name}: \`${cmd.command}\` failed: ${last}`, { exitCode: r.exitCode, timedOut: r.timedOut, outputTail: tailLines(output, 60) });
  }
  return passed(undefined, { outputTail: tailLines(output, 20), durationMs: r.durationMs });
}

export async function upStage(ctx: StageContext): Promise<StageOutcome> {
  const r = await compose(ctx, ['up', '-d', '--no-build', '--remove-orphans'], 10 * 60 * 1000);
  if (r.exitCode !== 0) return failed(`up: compose up failed: ${tailLines(r.stderr || r.stdout, 1)}`, { outputTail: tailLines(`${r.stdout}\n${r.stderr}`, 40) });
  const containers = await ctx.runtime.serviceContainers(ctx.compose.project);
  const images = Object.fromEntries(containers.filter((c) => !c.oneOff).map((c) => [c.service, c.imageId]));
  return passed({ newImages: images });
}
