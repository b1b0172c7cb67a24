/**
 * An operation that ended in an error instead of a report still gets one — from the CLI, the
 * queue worker or start-up recovery alike — so it is printed, published, notified and exits with
 * the right code: a refusal (exit 2, nothing changed) or an operation that stopped unexpectedly
 * (what it did is in its journal; `recover` finishes it). The one place such a reason is written,
 * and redacted: a library's error may quote a connection string or a token.
 */
import { ExitCode, RipcordError } from '../domain/errors.js';
import { redactString } from '../domain/redact.js';
import type { OperationReport } from '../executor/report.js';
import type { ServiceReport, TaskReport } from './service-report.js';

export interface FailedOperation<K extends ServiceReport['kind']> {
  /** The operation's ID; '-' when it never got one (the CLI refused before a journal). */
  id: string;
  kind: K;
  environment: string;
  ref?: string | undefined;
  /** How people name it, e.g. "deploy v1.0.4"; the kind when omitted. */
  what?: string;
}

type ReportOf<K> = K extends OperationReport['kind'] ? OperationReport : TaskReport;

export function reportOfError<K extends ServiceReport['kind']>(error: unknown, op: FailedOperation<K>): ReportOf<K> {
  const now = new Date().toISOString();
  const refused = error instanceof RipcordError && error.exitCode === ExitCode.refused;
  const why = redactString(error instanceof RipcordError ? error.describe() : error instanceof Error ? error.message : String(error));
  const reason = refused ? why : `${op.what ?? op.kind} stopped unexpectedly: ${why}; run \`ripcord recover --env ${op.environment}\` to finish or undo what it started`;
  const report = {
    id: op.id, kind: op.kind, environment: op.environment, ...(op.kind === 'deploy' && op.ref ? { ref: op.ref } : {}),
    outcome: refused ? 'refused' as const : 'failed' as const, reason, stages: [], startedAt: now, finishedAt: now,
  };
  return report as ReportOf<K>;
}
