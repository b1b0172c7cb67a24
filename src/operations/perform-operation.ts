/**
 * The main road, once. Whatever starts a deploy or a rollback — the CLI, the queue worker, the
 * service's start-up recovery, the demo — runs it through here, so every entry point does the
 * same things in the same order: the notifications kept from earlier are flushed beside the run;
 * the run ends in reports (an error no stage caught becomes one, redacted: report-of-error.ts);
 * the caller shows them (terminal, Redis stream) before anyone is told; then each report is
 * notified (a failed rollback opens its incident first), and the records follow the journals.
 */
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { flushOutboxFor } from '../notify/notifier-for.js';
import type { SinkOutcome } from '../notify/fan-out-notifier.js';
import type { FlushResult } from '../notify/flush-outbox.js';
import { syncRecords } from '../store/sync-records.js';
import { reportOfError, type FailedOperation } from './report-of-error.js';
import { isTaskReport, type ServiceReport } from './service-report.js';
import { tellOutcome } from './tell-outcome.js';

export interface PerformOptions<R extends ServiceReport> {
  config: RipcordConfig;
  environment: string;
  log: Logger;
  /** The operation an error report names when the run throws instead of reporting. */
  failedAs: FailedOperation<R['kind']>;
  /** Shows the reports (prints them, publishes them) before notifications and records, which may take a while. */
  show?: (reports: readonly R[]) => Promise<void> | void;
}

/** What happened around the run, for the entry point to tell its user. */
export interface Aftermath<R extends ServiceReport> {
  reports: R[];
  /** The flush of kept notifications that ran beside the operation; null when the outbox could not be read. */
  flushed: FlushResult | null;
  /** Per report that was notified (task reports are not), what each sink did. */
  delivered: SinkOutcome[][];
  /** Why the records were not written (the journals keep them for the next sync); null when they were, or no store is set. */
  recordsError: string | null;
}

export async function performOperation<R extends ServiceReport>(run: () => Promise<R | R[]>, o: PerformOptions<R>): Promise<Aftermath<R>> {
  // Kept notifications go out first, beside the run: the operation never waits for a slow sink.
  const flushing = flushOutboxFor(o.config, o.environment, o.log);
  const reports = await run().then((r) => (Array.isArray(r) ? r : [r]), (error: unknown) => {
    o.log.error({ err: error }, `${o.failedAs.what ?? o.failedAs.kind} stopped unexpectedly`);
    return [reportOfError(error, o.failedAs) as R];
  });
  await o.show?.(reports);
  const flushed = await flushing;
  const delivered: SinkOutcome[][] = [];
  for (const report of reports) if (!isTaskReport(report)) delivered.push(await tellOutcome(o.config, o.environment, report, o.log));
  const synced = reports.some((r) => !isTaskReport(r)) ? await syncRecords(o.config).catch((e: unknown) => ({ error: String(e) })) : null;
  return { reports, flushed, delivered, recordsError: synced?.error ?? null };
}
