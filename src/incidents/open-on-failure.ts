/**
 * A failed rollback opens an incident by itself: after a deploy (queue worker or CLI), a manual
 * rollback or a recovery, wherever the report is notified. One incident per operation: a retried
 * event, a redelivered job or a recovery of the same operation finds the one already open. The
 * failure and the timeline come from the operation's journal; Slack placement follows when a bot
 * token is configured (an unplaced incident is placed again by the next report of that operation).
 */
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import type { Incident } from '../domain/incident.js';
import { failureFromJournal, failureFromReport, failureSummary, timelineFromJournal } from '../domain/incident-failure.js';
import type { OperationReport } from '../domain/operation-report.js';
import type { Notification } from '../domain/ports.js';
import { journalPath, readJournal } from '../state/journal.js';
import { IncidentStore } from './incident-store.js';
import { incidentSlackClient, messageLink, placeIncident, type PlacementOptions } from './slack-placement.js';

export interface OpenOptions {
  placement?: PlacementOptions;
}

async function journalOf(config: RipcordConfig, report: OperationReport, log: Logger) {
  try {
    return (await readJournal(journalPath(config.stateDir, report.environment, report.id))).entries;
  } catch (error) {
    log.warn({ err: error, operation: report.id }, 'journal not readable for the incident; using the report');
    return [];
  }
}

/** Opens (or finds) the incident of a report whose rollback failed, and places it in Slack. Null for any other outcome. Never throws. */
export async function incidentAfterReport(config: RipcordConfig, report: OperationReport, log: Logger, options: OpenOptions = {}): Promise<Incident | null> {
  if (report.outcome !== 'rollback_failed') return null;
  try {
    const store = new IncidentStore(config.stateDir);
    const entries = await journalOf(config, report, log);
    const failure = failureFromJournal(entries) ?? failureFromReport(report);
    const { incident } = await store.open({
      environment: report.environment, operationId: report.id, summary: failureSummary(failure), openedBy: 'ripcord',
      failure, history: timelineFromJournal(entries),
    });
    return incident.slack ? incident : await placed(config, store, incident, log, options);
  } catch (error) {
    log.error({ err: error, operation: report.id }, 'incident not opened; the report is still notified');
    return null;
  }
}

/** Puts an incident in Slack when Slack is configured; without Slack (or with Slack down) the incident stays in the store, unplaced. */
export async function placed(config: RipcordConfig, store: IncidentStore, incident: Incident, log: Logger, options: OpenOptions = {}): Promise<Incident> {
  const client = incidentSlackClient(config);
  const env = config.environments[incident.environment];
  if (!client || !env) return incident;
  try {
    const placement = await placeIncident(client, incident, env, log.child({ incident: incident.id }), options.placement);
    return await store.placeInSlack(incident.id, placement);
  } catch (error) {
    log.error({ err: error, incident: incident.id }, 'incident not placed in Slack; it is in the store (`ripcord incidents list`)');
    return incident;
  }
}

/** The notification of an incident's operation, joined to it: the incident's ID and the link to its Slack thread. */
export function withIncident(notification: Notification, incident: Incident | null): Notification {
  if (!incident) return notification;
  const where = incident.slack ? messageLink(incident.slack) : `not in Slack: \`ripcord incidents show ${incident.id}\``;
  return {
    ...notification,
    text: `${notification.text}\nIncident ${incident.id} (${incident.severity}) is open: ${where}`,
    fields: { ...notification.fields, Incident: `${incident.id} ${where}` },
  };
}
