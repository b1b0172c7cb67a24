/**
 * What each rollback step does. Every one is idempotent: run again after a crash, it converges on
 * the same end state (the database restore is the exception, and the plan never repeats it).
 */
import { readFileSync } from 'node:fs';
import type { JournalFacts } from '../domain/journal-facts.js';
import type { RollbackStep } from '../domain/rollback-plan.js';
import { killGroup } from '../adapters/process-runner.js';
import { restoreDatabase, settleDatabase } from './database-steps.js';
import type { ExecutorEnv } from './executor-env.js';
import type { OperationRecorder } from './operation-recorder.js';
import { compose } from './stages/compose-commands.js';
import { healthStage, integrityStage } from './stages/checks.js';
import { runManualStep } from './manual-rollback-steps.js';
import { PREVIOUS_CONTAINERS, PREVIOUS_IMAGE_NAMES } from './stages/preflight.js';
import { failed, passed, tailLines, type StageContext, type StageOutcome } from './stage-context.js';
import { stopAppContainers } from './app-services.js';
import type { ServiceContainer } from '../adapters/dockerode-runtime.js';
import { recreateWithoutCompose } from './start-containers.js';

export function stageContextOf(x: ExecutorEnv, rec: OperationRecorder): StageContext {
  return { envName: x.name, env: x.env, compose: x.compose, runtime: x.runtime, log: x.log, onChild: (pid, argv) => rec.child(pid, argv) };
}

/**
 * Programs a crashed executor left running (a build, a migration's `compose run`) and one-off
 * containers: stopped before anything else, so nothing races the rollback.
 */
export async function stopLeftovers(x: ExecutorEnv, facts: Pick<JournalFacts, 'children'>): Promise<string[]> {
  const stopped: string[] = [];
  for (const child of facts.children) {
    if (!sameProcess(child.pid, child.argv)) continue;
    killGroup(child.pid, 'SIGKILL');
    stopped.push(`${child.argv.slice(0, 4).join(' ')} (pid ${child.pid})`);
  }
  for (const c of await x.runtime.serviceContainers(x.compose.project)) {
    if (!c.oneOff) continue;
    await x.runtime.removeContainer(c.id);
    stopped.push(`one-off container ${c.name}`);
  }
  return stopped;
}

/** A PID is only ours if its command line is still the one we started (PIDs get reused). */
function sameProcess(pid: number, argv: readonly string[]): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.slice(1).every((a) => cmdline.includes(a));
  } catch {
    return false;
  }
}

export async function runRollbackStep(x: ExecutorEnv, rec: OperationRecorder, facts: JournalFacts, step: RollbackStep): Promise<StageOutcome> {
  const ctx = stageContextOf(x, rec);
  switch (step.kind) {
    case 'git_reset':
      await x.repo.checkout(step.sha);
      return passed(undefined, { head: step.sha });
    case 'stop_new_services':
      return stopAppServices(x, facts, step.scope);
    case 'restore_database':
      return restoreDatabase(x, ctx, rec, facts, step);
    case 'start_previous_images':
      return startPreviousImages(x, ctx, facts, step);
    case 'health':
      return healthStage(ctx, { retries: x.env.rollback.healthRetries ?? x.env.health.retries, acceptStarting: true });
    case 'settle_database':
      return settleDatabase(x, rec, facts, step.strategy);
    case 'integrity':
      return integrityStage(ctx);
    case 'build_images':
    case 'safety_backup':
    case 'schema_command':
      return runManualStep(x, ctx, rec, facts, step);
  }
}

/** One-off leftovers first, then the app containers in `scope` (see the step's TSDoc in domain/rollback-plan.ts). */
async function stopAppServices(x: ExecutorEnv, facts: JournalFacts, scope: 'deploy' | undefined): Promise<StageOutcome> {
  const leftovers = await stopLeftovers(x, facts);
  const stopped = await stopAppContainers(x, scope === 'deploy' ? startedByDeploy(facts) : undefined);
  return passed(undefined, { stopped, leftovers });
}

/**
 * The app containers a deploy started: none before its `up` ran (migrate and static run as one-off
 * containers, the build only moves tags); after it, each that is not the very container preflight
 * recorded for its service (compose kept a container whose image and config did not change).
 */
function startedByDeploy(facts: JournalFacts): (c: ServiceContainer) => boolean {
  if (!facts.stagesStarted.includes('up')) return () => false;
  const recorded = (facts.facts[PREVIOUS_CONTAINERS] ?? {}) as Record<string, { id?: unknown } | undefined>;
  return (c) => recorded[c.service]?.id !== c.id;
}

async function startPreviousImages(x: ExecutorEnv, ctx: StageContext, facts: JournalFacts, step: Extract<RollbackStep, { kind: 'start_previous_images' }>): Promise<StageOutcome> {
  const names = (facts.facts[PREVIOUS_IMAGE_NAMES] ?? {}) as Record<string, string>;
  const rebuilt: string[] = [];
  for (const [service, imageId] of Object.entries(step.images)) {
    const name = names[service];
    if (name && (await x.runtime.imageExists(imageId))) await x.runtime.tagImage(imageId, name);
    else if (step.rebuildMissing) rebuilt.push(service);
  }
  if (rebuilt.length > 0) {
    const b = await compose(ctx, ['build', ...rebuilt], 30 * 60 * 1000);
    if (b.exitCode !== 0) return failed(`start previous images: rebuild of ${rebuilt.join(', ')} failed: ${tailLines(b.stderr || b.stdout, 1)}`);
  }
  const direct = rebuilt.length === 0 ? await recreateWithoutCompose(x, step.images, facts) : null;
  if (!direct) {
    const up = await compose(ctx, ['up', '-d', '--no-build', '--remove-orphans'], 10 * 60 * 1000);
    if (up.exitCode !== 0) return failed(`start previous images: compose up failed: ${tailLines(up.stderr || up.stdout, 1)}`);
  }
  // Compose recreates a container when its image changed; any it kept on the wrong image is forced.
  const wrong = (await x.runtime.serviceContainers(x.compose.project))
    .filter((c) => !c.oneOff && step.images[c.service] && !rebuilt.includes(c.service) && c.imageId !== step.images[c.service])
    .map((c) => c.service);
  if (wrong.length > 0) {
    const forced = await compose(ctx, ['up', '-d', '--no-build', '--no-deps', '--force-recreate', ...wrong], 10 * 60 * 1000);
    if (forced.exitCode !== 0) return failed(`start previous images: recreate ${wrong.join(', ')} failed: ${tailLines(forced.stderr, 1)}`);
  }
  return passed(undefined, { rebuilt, recreated: wrong, withoutCompose: direct ?? [] });
}
