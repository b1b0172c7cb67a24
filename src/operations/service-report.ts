/**
 * What an operation run by the service ends with. Deploys and rollbacks end in the executor's
 * OperationReport; backup jobs (and the bench's no-op) in a TaskReport of the same shape where
 * they overlap, so renderers, notifications and metrics treat both alike. And the events a
 * running operation publishes, in the form they travel through Redis (dates as ISO strings).
 */
import type { OperationReport, ProgressEvent, StepReport } from '../executor/report.js';
import type { OperationJobData, OperationRequest } from './request.js';

export interface TaskReport {
  id: string;
  kind: 'backup_create' | 'backup_verify' | 'backup_restore' | 'noop';
  environment: string;
  outcome: 'succeeded' | 'failed' | 'refused';
  reason?: string;
  /** In words: "created backup_….dump (12.3 MiB, verified)". */
  detail?: string;
  stages: StepReport[];
  startedAt: string;
  finishedAt: string;
}

export type ServiceReport = OperationReport | TaskReport;

export const isTaskReport = (r: ServiceReport): r is TaskReport => r.kind !== 'deploy' && r.kind !== 'rollback';

/** One event of an operation's story, as stored in its Redis Stream; the report is always last. */
export type OperationEvent =
  | { type: 'started'; operationId: string; environment: string; operation: string; requestedBy: string; source: OperationRequest['source']; executor: string; at: string }
  | { type: 'step_started'; phase: 'deploy' | 'rollback'; name: string; at: string }
  | { type: 'step_finished'; phase: 'deploy' | 'rollback'; step: StepReport }
  | { type: 'note'; text: string }
  | { type: 'report'; report: ServiceReport };

export function eventOfProgress(e: ProgressEvent): OperationEvent {
  return e.type === 'step_started' ? { ...e, at: e.at.toISOString() } : e;
}

/** The progress event for the terminal renderer (src/cli/progress.ts), or null for service-only events. */
export function progressOfEvent(e: OperationEvent): ProgressEvent | null {
  if (e.type === 'step_started') return { ...e, at: new Date(e.at) };
  if (e.type === 'step_finished' || e.type === 'note') return e;
  return null;
}

/** A report for an operation that was refused before anything ran (bad payload, unknown environment). */
export function refusedReport(job: Partial<OperationJobData>, operationId: string, reason: string): ServiceReport {
  const now = new Date().toISOString();
  const environment = typeof job.environment === 'string' ? job.environment : '?';
  const kind = job.operation?.kind;
  const base = { id: operationId, environment, outcome: 'refused' as const, reason, stages: [], startedAt: now, finishedAt: now };
  if (kind === 'deploy' || kind === 'rollback') return { ...base, kind, ...(kind === 'deploy' && typeof job.operation?.ref === 'string' ? { ref: job.operation.ref } : {}) };
  return { ...base, kind: kind ?? 'noop' };
}
