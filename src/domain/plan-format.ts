/**
 * Plans as lines of text: what `--dry-run` prints and what Slack shows before a confirmation.
 * No colours or Block Kit here; renderers decorate these lines.
 */
import type { DeployPlan, StageSpec, UndoKind } from './plan.js';
import type { RollbackPlan, RollbackStep } from './rollback-plan.js';
import { shortSha } from './ref.js';

const short = (sha: string | null) => (sha ? shortSha(sha) : '(none)');

const UNDO_WORDS: Readonly<Record<UndoKind, string>> = {
  git_reset: 'code back',
  stop_new_services: 'stop services',
  restore_database: 'restore database',
  start_previous_images: 'previous images',
};

function stageLine(stage: StageSpec, i: number): string {
  const undo = stage.undo.length > 0 ? `  [undo: ${stage.undo.map((u) => UNDO_WORDS[u]).join(', ')}]` : '';
  const db = stage.mayChangeDatabase ? '  [may change the database]' : '';
  return `  ${String(i + 1).padStart(2)}. ${stage.name.padEnd(10)} ${stage.description}${undo}${db}`;
}

function previewLines(plan: DeployPlan): string[] {
  const p = plan.preview;
  if (!p) return [];
  const lines = [`Commits (${p.commits.length}):`, ...p.commits.map((c) => `  ${short(c.sha)} ${c.subject} (${c.author})`)];
  const files = p.migrations.files.map((f) => `  ${f.change.padEnd(8)} ${f.path}`);
  if (p.migrations.known) lines.push(`Pending migrations: ${p.migrations.why}`);
  else lines.push(`Pending migrations: not known before the deploy: ${p.migrations.why}`, `Migration files this release adds or changes (${files.length}):`, ...files);
  const images = p.imagesToBuild.services;
  if (images === null) lines.push(`Images to build: not known: ${p.imagesToBuild.why ?? 'the compose file could not be read'}`);
  else lines.push(`Images to build (${images.length})${p.imagesToBuild.why ? `: ${p.imagesToBuild.why}` : ':'}`, ...images.map((i) => `  ${i.service} (build context ${i.context})`));
  return lines;
}

function formatDeployPlan(plan: DeployPlan): string[] {
  const lines = [`Deploy ${plan.ref}: ${short(plan.currentSha)} → ${short(plan.targetSha)} (${plan.targetSha})`];
  lines.push(...plan.stages.map(stageLine));
  if (plan.skipped.length > 0) lines.push(`Skipped: ${plan.skipped.map((s) => `${s.stage} (${s.why})`).join('; ')}`);
  return [...lines, ...previewLines(plan)];
}

function stepText(step: RollbackStep): string {
  switch (step.kind) {
    case 'git_reset': return `check out ${short(step.sha)} (${step.sha})`;
    case 'stop_new_services': return step.scope === 'deploy'
      ? 'stop what the deploy started (its one-off commands, the containers its `up` created); the previous release keeps running unless the database must go back'
      : 'stop the app services (the database keeps running)';
    case 'restore_database': return step.strategy === 'clone_swap'
      ? `stop the app, hold the current database (no connections) as a failed copy and swap in the pre-deploy clone (clone_swap; restores ${step.backup} if the clone is gone)`
      : `stop the app, hold the current database (no connections), safety backup of it, then restore ${step.backup} (${step.strategy})`;
    case 'start_previous_images': {
      const images = Object.entries(step.images).map(([service, id]) => `${service}=${id.replace(/^sha256:/, '').slice(0, 12)}`);
      return `start the previous images by ID${images.length ? `: ${images.join(', ')}` : ''}${step.rebuildMissing ? ' (rebuild only if an image is gone)' : ''}`;
    }
    case 'health': return 'health check';
    case 'integrity': return 'integrity check';
    case 'settle_database': return `finish the ${step.strategy} rollback: a verified safety dump of the failed copy, if any, then drop it and the clone`;
    case 'build_images': return 'build the images from the checked-out code (no image IDs of that release are kept)';
    case 'safety_backup': return 'safety backup of the current database (kept forever)';
    case 'schema_command': return `run \`${step.command.command}\` in ${step.command.service} (reversal migration toward ${short(step.targetSha)})`;
  }
}

/** A rollback step as one numbered line, for every plan that lists steps. */
export function stepLine(step: RollbackStep, i: number): string {
  return `  ${String(i + 1).padStart(2)}. ${step.kind.padEnd(21)} ${stepText(step)}`;
}

function formatRollbackPlan(plan: RollbackPlan): string[] {
  const lines = [plan.toSha ? `Roll back to ${short(plan.toSha)}` : 'Roll back (code unchanged)'];
  lines.push(...plan.steps.map(stepLine));
  lines.push(...plan.warnings.map((w) => `Warning: ${w}`));
  return lines;
}

/** One line per stage or step, plus the preview and warnings; the first line says what and where to. */
export function formatPlan(plan: DeployPlan | RollbackPlan): string[] {
  return plan.kind === 'deploy' ? formatDeployPlan(plan) : formatRollbackPlan(plan);
}
