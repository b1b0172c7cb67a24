/**
 * How everyone hears how an operation ended: a failed rollback opens (or finds) its incident
 * first, so the notification links to where it is worked; then the report goes to every sink,
 * with failures kept in the outbox. A use case of its own, beside the main road that calls it:
 * notify/ only delivers, incidents/ only keeps incidents. Never throws.
 */
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import type { OperationReport } from '../domain/operation-report.js';
import { incidentAfterReport, withIncident } from '../incidents/open-on-failure.js';
import type { SinkOutcome } from '../notify/fan-out-notifier.js';
import { notifierFor, type NotifierOptions } from '../notify/notifier-for.js';
import { notificationFromReport } from '../notify/report-notification.js';

export async function tellOutcome(config: RipcordConfig, envName: string, report: OperationReport, log: Logger, options: NotifierOptions = {}): Promise<SinkOutcome[]> {
  try {
    const incident = await incidentAfterReport(config, report, log);
    return await notifierFor(config, envName, log, options).deliver(withIncident(notificationFromReport(report), incident));
  } catch (error) {
    log.error({ err: error, env: envName, deployment: report.id }, 'notification of the report failed');
    return [];
  }
}
