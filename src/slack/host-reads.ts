/**
 * The reads behind previews, pickers and /status: what this host's checkout, Docker and backups
 * say about an environment, through the same operations code as the CLI (`preview`,
 * `environmentStatus`). They run git and Docker commands, so the bot runs them in its reader
 * process (reader/), never on its own event loop.
 */
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import type { ManualRollbackPlan } from '../domain/manual-rollback.js';
import type { ManualRollbackRequest } from '../domain/manual-rollback.js';
import type { DeployPlan } from '../domain/plan.js';
import { environmentStatus, type EnvironmentStatus } from '../executor/environment-status.js';
import { openExecutorEnv } from '../executor/executor-env.js';
import { releaseLabels } from '../executor/manual-rollback-inputs.js';
import { preview } from '../operations/preview.js';
import { backupSummaries, rollbackChoices, type BackupSummary, type RollbackChoices } from '../operations/rollback-choices.js';
import type { ReleaseLabel } from './messages/deploy-preview.js';
import { databaseOnFailure, findBackup, type DeployPreviewData, type HostReads, type RestorePreviewData, type RollbackPreviewData } from './use-cases.js';

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
