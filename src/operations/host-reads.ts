/**
 * The reads behind previews, pickers and /status: what this host's checkout, Docker and backups
 * say about an environment, through the same operations code as the CLI (`preview`,
 * `environmentStatus`). A use case of their own, so the bot never opens the executor: it asks. They
 * run git and Docker commands, so the bot runs them in its reader process (slack/reader/), never on
 * its own event loop.
 */
import type { Logger } from 'pino';
import type { EnvironmentConfig } from '../config/schema.js';
import { BadInputError } from '../domain/errors.js';
import type { RipcordConfig } from '../config/schema.js';
import type { ManualRollbackPlan, ManualRollbackRequest } from '../domain/manual-rollback.js';
import type { DeployPlan } from '../domain/plan.js';
import { environmentStatus, type EnvironmentStatus } from '../executor/environment-status.js';
import { openExecutorEnv } from '../executor/executor-env.js';
import { releaseLabels } from '../executor/manual-rollback-inputs.js';
import { preview } from './preview.js';
import { backupSummaries, rollbackChoices, type BackupSummary, type RollbackChoices } from './rollback-choices.js';

/** A release as a preview names it. */
export interface ReleaseLabel { sha: string; tags: string[]; date: string | null }

export interface DeployPreviewData {
  plan: DeployPlan;
  current: ReleaseLabel | null;
  target: ReleaseLabel;
  lockHeldBy: string | null;
  databaseOnFailure: string;
}

export interface RollbackPreviewData {
  plan: ManualRollbackPlan;
  /** sha → "v1.0.0 9e8d7c6" for the SHAs the plan names. */
  labels: Record<string, string>;
  lockHeldBy: string | null;
}

export interface RestorePreviewData {
  backup: BackupSummary;
  currentSha: string | null;
  lockHeldBy: string | null;
}

/** The reads of this host a bot may ask for: previews, pickers and status. */
export interface HostReads {
  previewDeploy(environment: string, ref: string, requestedBy: string): Promise<DeployPreviewData>;
  recentReleases(environment: string, n: number): Promise<{ releases: Array<{ tag: string; sha: string; date: string }>; current: string | null }>;
  status(environment: string): Promise<EnvironmentStatus>;
  previewRollback(environment: string, choice: ManualRollbackRequest, requestedBy: string): Promise<RollbackPreviewData>;
  rollbackChoices(environment: string): Promise<RollbackChoices>;
  backups(environment: string): Promise<BackupSummary[]>;
  previewRestore(environment: string, backup: string): Promise<RestorePreviewData>;
  /** The live release now (null when the checkout has none), to tell whether a preview still holds. */
  currentSha(environment: string): Promise<string | null>;
}

/** The use cases that read this host (git, Docker, backups): run in the reader process. */
export const HOST_READS = ['previewDeploy', 'recentReleases', 'status', 'previewRollback', 'rollbackChoices', 'backups', 'previewRestore', 'currentSha'] as const;
export type HostRead = (typeof HOST_READS)[number];

/** A backup named in Slack must be one `/backups list` shows; the error names the newest ones. */
export function findBackup(environment: string, backups: readonly BackupSummary[], name: string): BackupSummary {
  const found = backups.find((b) => b.name === name);
  if (found) return found;
  const newest = backups.slice(0, 3).map((b) => b.name);
  throw new BadInputError(`there is no backup "${name}" in ${environment}`, newest.length ? `use one \`/backups list ${environment}\` shows, e.g. ${newest.join(', ')}` : `${environment} has no backups yet: \`/backups create ${environment}\` takes one`);
}

/** Whether a failed deploy would put the database back, in words, from the environment's settings and the plan. */
export function databaseOnFailure(env: Pick<EnvironmentConfig, 'rollback' | 'backups'>, plan: DeployPlan): string {
  const pending = plan.preview?.migrations.files.length ?? 0;
  if (!env.rollback.enabled || !env.rollback.auto) return 'no automatic rollback (rollback.auto is off); run `ripcord rollback` by hand';
  if (!env.backups.enabled) return 'code and containers are rolled back; the database is NOT restored (backups.enabled is false)';
  const how = env.backups.enabled ? 'restored from the pre-deploy backup taken right before the migrations' : '';
  return pending > 0
    ? `rolled back automatically; the database is ${how} if the migrations changed it (${pending} migration files in this release)`
    : `rolled back automatically; no migration files in this release, so the database is restored only if the new release changed it (${how.replace('restored from ', 'from ')})`;
}

export class LocalHostReads implements HostReads {
  constructor(private readonly config: RipcordConfig, private readonly log: Logger) {}

  async previewDeploy(environment: string, ref: string, requestedBy: string): Promise<DeployPreviewData> {
    const x = await openExecutorEnv(this.config, environment, this.log);
    const p = await preview(x, { requestId: 'preview', environment, requestedBy, source: 'slack', operation: { kind: 'deploy', ref } });
    const plan = p.plan as DeployPlan;
    const releases = await x.repo.recentReleases(50);
    const labelOf = (sha: string): ReleaseLabel => {
      const tagged = releases.filter((r) => r.sha === sha);
      const commit = plan.preview?.commits.find((c) => c.sha === sha);
      return { sha, tags: tagged.map((r) => r.tag), date: tagged[0]?.date ?? commit?.date ?? null };
    };
    return { plan, current: plan.currentSha ? labelOf(plan.currentSha) : null, target: labelOf(plan.targetSha), lockHeldBy: p.lockHeldBy, databaseOnFailure: databaseOnFailure(x.env, plan) };
  }
  async recentReleases(environment: string, n: number) {
    const x = await openExecutorEnv(this.config, environment, this.log);
    await x.repo.fetch(x.env.remote);
    return { releases: await x.repo.recentReleases(n), current: await x.repo.currentSha().catch(() => null) };
  }
  async status(environment: string): Promise<EnvironmentStatus> {
    return environmentStatus(await openExecutorEnv(this.config, environment, this.log));
  }
  async previewRollback(environment: string, choice: ManualRollbackRequest, requestedBy: string): Promise<RollbackPreviewData> {
    const x = await openExecutorEnv(this.config, environment, this.log);
    if (choice.backup) findBackup(environment, await backupSummaries(x), choice.backup);
    const p = await preview(x, { requestId: 'preview', environment, requestedBy, source: 'slack', operation: { kind: 'rollback', rollback: choice } });
    const plan = p.plan as ManualRollbackPlan;
    return { plan, labels: await releaseLabels(x, [plan.fromSha, plan.toSha]), lockHeldBy: p.lockHeldBy };
  }
  async rollbackChoices(environment: string): Promise<RollbackChoices> {
    return rollbackChoices(await openExecutorEnv(this.config, environment, this.log));
  }
  async backups(environment: string): Promise<BackupSummary[]> {
    return backupSummaries(await openExecutorEnv(this.config, environment, this.log));
  }
  async previewRestore(environment: string, name: string): Promise<RestorePreviewData> {
    const x = await openExecutorEnv(this.config, environment, this.log);
    const backup = findBackup(environment, await backupSummaries(x), name);
    const holder = await x.locks.holder(environment);
    return { backup, currentSha: await x.repo.currentSha().catch(() => null), lockHeldBy: holder ? x.locks.describeOwner(holder) : null };
  }
  async currentSha(environment: string): Promise<string | null> {
    return (await openExecutorEnv(this.config, environment, this.log)).repo.currentSha().catch(() => null);
  }}
