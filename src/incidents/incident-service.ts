/**
 * What `/incident` and `ripcord incidents` do, once: open by hand, list, show, acknowledge,
 * escalate, set severity, resolve (the report filled in and posted in the thread), report. The
 * store is the truth and needs neither Redis nor Slack; Slack is told afterwards, best effort
 * (a note in the thread, the pinned summary refreshed), so the break-glass CLI works with both down.
 */
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { BadInputError } from '../domain/errors.js';
import { addNote, type Incident, type Severity } from '../domain/incident.js';
import { renderIncidentReport } from '../domain/incident-report.js';
import { backupsSeenHere } from './incident-backups.js';
import { IncidentStore } from './incident-store.js';
import { incidentSummaryMessage, reportMessage } from './incident-message.js';
import { placed, type OpenOptions } from './open-on-failure.js';
import { incidentSlackClient, pagedPeople, politely } from './slack-placement.js';

export class IncidentService {
  readonly store: IncidentStore;

  constructor(private readonly config: RipcordConfig, private readonly log: Logger, private readonly options: OpenOptions = {}) {
    this.store = new IncidentStore(config.stateDir);
  }

  environment(name: string | undefined): string {
    const names = Object.keys(this.config.environments);
    const chosen = name ?? (names.length === 1 ? names[0] : undefined);
    if (!chosen || !this.config.environments[chosen]) {
      throw new BadInputError(name ? `no environment "${name}" in ripcord.yml` : 'name the environment', `use one of: ${names.join(', ')}`);
    }
    return chosen;
  }

  /** Opened by a person: no operation, so never a duplicate; placed in Slack like any other. */
  async open(environment: string | undefined, summary: string, by: string): Promise<Incident> {
    const env = this.environment(environment);
    const text = summary.trim() || 'opened by hand';
    const { incident } = await this.store.open({ environment: env, operationId: null, summary: text, openedBy: by, severity: 'P2' });
    return placed(this.config, this.store, incident, this.log, this.options);
  }

  list(filter: Parameters<IncidentStore['list']>[0] = {}): Promise<Incident[]> { return this.store.list(filter); }

  get(id: string): Promise<Incident> { return this.store.get(id); }

  /** The incident a command without an ID means: the newest unresolved one (of the environment, when given). */
  async current(environment?: string): Promise<Incident> {
    const [newest] = await this.store.list({ state: 'unresolved', ...(environment ? { environment } : {}) });
    if (!newest) throw new BadInputError(`no open incident${environment ? ` in ${environment}` : ''}`, 'name one: `/incident list` (or `ripcord incidents list --all`) shows them with their IDs');
    return newest;
  }

  async acknowledge(id: string, by: string): Promise<Incident> {
    const incident = await this.store.acknowledge(id, by);
    await this.tell(incident, `✋ Acknowledged by ${mention(by)}.`);
    return incident;
  }

  async escalateNow(id: string, by: string): Promise<Incident> {
    const current = await this.store.get(id);
    const incident = await this.store.escalateNow(id, by, this.maxLevel(current.environment));
    await this.tell(incident, `⏫ Escalated to level ${incident.escalationLevel} by ${mention(by)}: ${pagedPeople(this.env(incident), incident.escalationLevel).map(mention).join(' ') || 'nobody configured at that level'}`);
    return incident;
  }

  async setSeverity(id: string, severity: Severity, by: string): Promise<Incident> {
    const incident = await this.store.setSeverity(id, severity, by);
    await this.tell(incident, `Severity set to *${severity}* by ${mention(by)}.`);
    return incident;
  }

  /** Resolves, stores the filled-in report, posts it in the thread. Resolving twice posts nothing new. */
  async resolve(id: string, by: string): Promise<Incident> {
    const before = await this.store.get(id);
    const incident = await this.store.resolve(id, by);
    if (before.state !== 'resolved') await this.tell(incident, null, reportMessage(incident));
    return incident;
  }

  /** The report: the stored one once resolved, else as it would read now. */
  async report(id: string): Promise<{ incident: Incident; markdown: string }> {
    const incident = await this.store.get(id);
    return { incident, markdown: incident.report ?? renderIncidentReport(incident) };
  }

  /** A checklist item ticked in Slack, on the timeline once (Slack sends every ticked box with each click). */
  tick(id: string, text: string, by: string): Promise<Incident> {
    return this.store.update(id, (i, now) => (i.timeline.some((e) => e.kind === 'note' && e.text === text) ? i : addNote(i, text, by, now)));
  }

  private env(incident: Incident) {
    const env = this.config.environments[incident.environment];
    if (!env) throw new BadInputError(`incident ${incident.id} names environment "${incident.environment}", which is not in ripcord.yml`, 'run the command on the host whose ripcord.yml has it');
    return env;
  }

  private maxLevel(environment: string): number {
    const c = this.config.environments[environment]?.contacts;
    return c?.level3 ? 3 : c?.level2 ? 2 : 1;
  }

  /** Best effort: the thread gets a note (and the pinned summary is refreshed); Slack down changes nothing. */
  private async tell(incident: Incident, note: string | null, message?: { text: string; blocks: unknown[] }): Promise<void> {
    const client = incidentSlackClient(this.config);
    if (!client || !incident.slack) return;
    const { channel, ts } = incident.slack;
    try {
      // About one message a second per channel: a quick ack-then-resolve must wait its turn, not lose the report.
      if (note) await politely(() => client.chat.postMessage({ channel, thread_ts: ts, text: note }));
      if (message) await politely(() => client.chat.postMessage({ channel, thread_ts: ts, text: message.text, blocks: message.blocks as never }));
      const backups = await backupsSeenHere(this.config.environments[incident.environment], this.log);
      await politely(() => client.chat.update({ channel, ts, ...incidentSummaryMessage(incident, pagedPeople(this.env(incident), incident.escalationLevel), backups) }));
    } catch (error) {
      this.log.warn({ err: error, incident: incident.id }, 'Slack not told about the incident change; the store has it');
    }
  }
}

const mention = (who: string) => (/^[UW][A-Z0-9]+$/.test(who) ? `<@${who}>` : who);
