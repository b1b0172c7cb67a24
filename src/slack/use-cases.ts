/**
 * What the Slack handlers may ask of Ripcord — one call each (implemented in local-use-cases.ts).
 * The handlers never touch git, Docker or the database themselves.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import { BadInputError } from '../domain/errors.js';
import type { ManualRollbackPlan, ManualRollbackRequest } from '../domain/manual-rollback.js';
import type { DeployPlan } from '../domain/plan.js';
import type { EnvironmentStatus } from '../executor/environment-status.js';
import type { BackupSummary, RollbackChoices } from '../operations/rollback-choices.js';
import type { OperationRequest } from '../operations/request.js';
import type { OperationEvent } from '../operations/service-report.js';
import type { Submitted } from '../queue/operation-submitter.js';
import type { RecentOperation } from '../queue/recent-operations.js';
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

/** The use cases that read this host (git, Docker, backups): run in the reader process. */
export const HOST_READS = ['previewDeploy', 'recentReleases', 'status', 'previewRollback', 'rollbackChoices', 'backups', 'previewRestore', 'currentSha'] as const;
export type HostRead = (typeof HOST_READS)[number];
export type HostReads = Pick<SlackUseCases, HostRead>;

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
