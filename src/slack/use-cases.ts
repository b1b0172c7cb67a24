/**
 * What the Slack handlers may ask of Ripcord — one call each — and its implementation on this
 * host's ripcord.yml: previews and status read the environment through the same operations code
 * as the CLI (`preview`, `environmentStatus`), `submit` goes through the queue, and `follow`
 * reads the operation's event stream from its first event. The handlers never touch git, Docker
 * or the database themselves.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EnvironmentConfig, RipcordConfig } from '../config/schema.js';
import { BadInputError } from '../domain/errors.js';
import type { ManualRollbackPlan, ManualRollbackRequest } from '../domain/manual-rollback.js';
import type { DeployPlan } from '../domain/plan.js';
import { environmentStatus, type EnvironmentStatus } from '../executor/environment-status.js';
import { openExecutorEnv } from '../executor/executor-env.js';
import { releaseLabels } from '../executor/manual-rollback-inputs.js';
import { preview } from '../operations/preview.js';
import { backupSummaries, rollbackChoices, type BackupSummary, type RollbackChoices } from '../operations/rollback-choices.js';
import type { OperationRequest } from '../operations/request.js';
import type { OperationEvent } from '../operations/service-report.js';
import { followEvents } from '../queue/operation-events.js';
import { OperationSubmitter, type Submitted } from '../queue/operation-submitter.js';
import { recentOperations, type RecentOperation } from '../queue/recent-operations.js';
import { durableConnection } from '../queue/redis-connections.js';
import type { ReleaseLabel } from './messages/deploy-preview.js';

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

export interface SlackUseCases {
  environments(): string[];
  channelOf(environment: string): string;
  previewDeploy(environment: string, ref: string, requestedBy: string): Promise<DeployPreviewData>;
  recentReleases(environment: string, n: number): Promise<{ releases: Array<{ tag: string; sha: string; date: string }>; current: string | null }>;
  status(environment: string): Promise<EnvironmentStatus>;
  submit(request: OperationRequest): Promise<Submitted>;
  follow(operationId: string, signal: AbortSignal): AsyncIterable<OperationEvent>;
  previewRollback(environment: string, choice: ManualRollbackRequest, requestedBy: string): Promise<RollbackPreviewData>;
  rollbackChoices(environment: string): Promise<RollbackChoices>;
  backups(environment: string): Promise<BackupSummary[]>;
  previewRestore(environment: string, backup: string): Promise<RestorePreviewData>;
  /** The live release now (null when the checkout has none), to tell whether a preview still holds. */
  currentSha(environment: string): Promise<string | null>;
  /** Who holds the environment lock, doing what, since when — or null. */
  lockHolder(environment: string): Promise<string | null>;
  recentOperations(environment: string, n: number): Promise<RecentOperation[]>;
  close(): Promise<void>;
}

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

export class LocalUseCases implements SlackUseCases {
  private readonly followers = new Set<Redis>();
  /** For reads that do not block (the Home tab's recent operations); opened on first use. */
  private reader: Redis | undefined;

  private constructor(private readonly config: RipcordConfig, private readonly log: Logger, private readonly submitter: OperationSubmitter) {}

  static async open(config: RipcordConfig, log: Logger): Promise<LocalUseCases> {
    return new LocalUseCases(config, log, await OperationSubmitter.connect(config));
  }

  environments(): string[] { return Object.keys(this.config.environments); }

  channelOf(environment: string): string { return this.config.environments[environment]?.slack.channel ?? '#deploys'; }

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

  submit(request: OperationRequest): Promise<Submitted> { return this.submitter.submit(request); }

  async *follow(operationId: string, signal: AbortSignal): AsyncIterable<OperationEvent> {
    // XREAD BLOCK holds its connection: one per followed operation, closed when it ends.
    const redis = durableConnection(this.config.redis.url);
    this.followers.add(redis);
    try {
      yield* followEvents(redis, this.config.redis.prefix, operationId, signal);
    } finally {
      this.followers.delete(redis);
      redis.disconnect();
    }
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
  }

  async lockHolder(environment: string): Promise<string | null> {
    const x = await openExecutorEnv(this.config, environment, this.log);
    const holder = await x.locks.holder(environment);
    return holder ? x.locks.describeOwner(holder) : null;
  }

  async recentOperations(environment: string, n: number): Promise<RecentOperation[]> {
    this.reader ??= durableConnection(this.config.redis.url);
    return recentOperations(this.reader, this.config.redis.prefix, environment, n);
  }

  async close(): Promise<void> {
    for (const r of this.followers) r.disconnect();
    this.reader?.disconnect();
    await this.submitter.close();
  }
}
