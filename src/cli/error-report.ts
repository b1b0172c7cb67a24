/**
 * An operation that ended in an error instead of a report still gets one, so it is printed, exits
 * with the right code and is notified like any other: a refusal (exit 2, nothing changed) or an
 * operation that stopped unexpectedly (exit 1: what it did is in its journal, `recover` finishes it).
 */
import { ExitCode, RipcordError } from '../domain/errors.js';
import { redactString } from '../domain/redact.js';
import type { OperationReport } from '../executor/report.js';

export function reportOfError(error: unknown, kind: OperationReport['kind'], environment: string, ref?: string): OperationReport {
  const now = new Date().toISOString();
  const base = { id: '-', kind, environment, ...(ref ? { ref } : {}), stages: [], startedAt: now, finishedAt: now };
  if (error instanceof RipcordError && error.exitCode === ExitCode.refused) return { ...base, outcome: 'refused', reason: error.describe() };
  // A RipcordError is clean already; anything else (a library's error) may quote a connection string.
  const why = error instanceof RipcordError ? error.describe() : redactString(error instanceof Error ? error.message : String(error));
  return { ...base, outcome: 'failed', reason: `${kind} stopped unexpectedly: ${why}; run \`ripcord recover --env ${environment}\` to finish or undo what it started` };
}
