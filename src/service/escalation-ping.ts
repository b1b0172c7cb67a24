/**
 * Sends one escalation step: a reply in the incident's Slack thread mentioning the level's people
 * and groups, a direct message to each person — the people named and the members of the groups
 * named (usergroups.users.list, cached a minute), once each (conversations.open +
 * chat.postMessage) — and a
 * notification through the environment's sinks plus the level's own email addresses and
 * webhooks. The channels go out in parallel and none waits for another: with Slack down, email
 * and webhooks still fire; a sink that fails keeps its delivery in an outbox that the service
 * flushes (per level and target: `<stateDir>/escalation-outbox/level<N>-<target>/`).
 */
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { EnvironmentConfig, RipcordConfig } from '../config/schema.js';
import type { EscalationStep } from '../domain/escalation-schedule.js';
import type { Incident } from '../domain/incident.js';
import { EmailSink, pooledEmailTransport } from '../notify/email-sink.js';
import { FanOutNotifier } from '../notify/fan-out-notifier.js';
import { NotificationsLogFile } from '../notify/notifications-log-file.js';
import { notifierFor } from '../notify/notifier-for.js';
import { Outbox } from '../notify/outbox.js';
import { DEFAULT_SINK_TIMEOUT_MS, type RemoteSink } from '../notify/sink.js';
import { webhookSink } from '../notify/webhook-sink.js';
import { escalationNotification, escalationSlackMessage } from '../incidents/escalation-message.js';
import { UserGroups } from '../slack/access/user-groups.js';
import type { IncidentStore } from '../incidents/incident-store.js';

type Level = NonNullable<EnvironmentConfig['contacts']['level1']>;

export interface EscalationPingOptions {
  config: RipcordConfig;
  store: IncidentStore;
  /** Null when no bot token is configured: email and webhooks only. */
  slack: webApi.WebClient | null;
  log: Logger;
  timeoutMs?: number;
}

export function levelOf(env: EnvironmentConfig, level: number): Level | undefined {
  return [env.contacts.level1, env.contacts.level2, env.contacts.level3][level - 1];
}

/**
 * One notifier per level target, each with its own outbox, so a kept delivery goes back to where
 * it was meant. `emailTransport` gives the caller's pooled SMTP transport for a URL.
 */
export function levelNotifiers(
  config: RipcordConfig, envName: string, level: number, log: Logger, timeoutMs = DEFAULT_SINK_TIMEOUT_MS, emailTransport?: (smtpUrl: string) => Transporter,
): FanOutNotifier[] {
  const env = config.environments[envName];
  const contacts = env ? levelOf(env, level) : undefined;
  if (!env || !contacts) return [];
  const email = env.notifications.email;
  const targets: Array<[string, RemoteSink]> = [];
  if (contacts.email.length > 0) {
    const smtpUrl = email?.smtpUrl ?? 'smtp://127.0.0.1:25';
    targets.push(['email', new EmailSink({ to: contacts.email, from: email?.from ?? 'ripcord@localhost', smtpUrl }, timeoutMs, emailTransport?.(smtpUrl))]);
  }
  contacts.webhooks.forEach((url, i) => targets.push([`webhook${i + 1}`, webhookSink(url, timeoutMs, env.notifications.webhookSecret)]));
  return targets.map(([key, sink]) => new FanOutNotifier({
    logFile: new NotificationsLogFile(env.notifications.logFile, env.appDir),
    sinks: [sink],
    outbox: new Outbox(join(config.stateDir, 'escalation-outbox', `level${level}-${key}`), envName),
    log: log.child({ env: envName, level, target: key }),
    keepDays: env.notifications.outboxKeepDays,
  }));
}

export class EscalationPinger {
  private readonly transports = new Map<string, Transporter>();
  private readonly dms = new Map<string, string>();
  private readonly groups: UserGroups | null;

  constructor(private readonly opts: EscalationPingOptions) {
    this.groups = opts.slack ? new UserGroups(opts.slack, opts.log) : null;
  }

  /** Who gets a DM: the people named and every member of the groups named, each once. A group that cannot be read is still mentioned in the thread. */
  private async dmRecipients(who: readonly string[]): Promise<string[]> {
    const people = new Set(who.filter((id) => !id.startsWith('S')));
    for (const group of who.filter((id) => id.startsWith('S'))) {
      for (const member of (await this.groups?.members(group)) ?? []) people.add(member);
    }
    return [...people];
  }

  /**
   * The pooled SMTP transport for `smtpUrl`, made on first use and kept until {@link close}: pings
   * come by the dozen when several incidents escalate, and a connection per message made each
   * one wait for a TCP and SMTP handshake.
   */
  readonly emailTransport = (smtpUrl: string): Transporter => {
    let t = this.transports.get(smtpUrl);
    if (!t) {
      t = pooledEmailTransport(smtpUrl, this.opts.timeoutMs ?? DEFAULT_SINK_TIMEOUT_MS);
      this.transports.set(smtpUrl, t);
    }
    return t;
  };

  /** The level targets' notifiers, sharing the pooled transports (for the service's outbox flush). */
  levelNotifiers(envName: string, level: number): FanOutNotifier[] {
    return levelNotifiers(this.opts.config, envName, level, this.opts.log, this.opts.timeoutMs, this.emailTransport);
  }

  /** A person's DM channel, opened once: it does not change, and every ping of every incident DMs the same people. */
  private async dmChannel(client: webApi.WebClient, user: string): Promise<string> {
    const known = this.dms.get(user);
    if (known) return known;
    const dm = await afterRateLimits(() => client.conversations.open({ users: user }));
    const channel = String(dm.channel?.id);
    this.dms.set(user, channel);
    return channel;
  }

  close(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }

  /** Never throws: every failure is logged, and kept in an outbox where it can be. */
  async ping(incidentId: string, step: EscalationStep): Promise<void> {
    const { config, log } = this.opts;
    let incident: Incident;
    try {
      incident = await this.opts.store.get(incidentId);
    } catch (error) {
      log.error({ err: error, incident: incidentId }, 'escalation step not sent: the incident could not be read');
      return;
    }
    const env = config.environments[incident.environment];
    const contacts = env ? levelOf(env, step.level) : undefined;
    const notification = escalationNotification(incident, step, new Date());
    const plog = log.child({ incident: incidentId, step: step.id });
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_SINK_TIMEOUT_MS;
    await Promise.all([
      this.toSlack(incident, step, contacts?.slack ?? [], plog),
      notifierFor(config, incident.environment, plog, { timeoutMs, emailTransport: this.emailTransport }).deliver(notification),
      ...levelNotifiers(config, incident.environment, step.level, plog, timeoutMs, this.emailTransport).map((n) => n.deliver(notification, { logFile: false })),
    ].map((p) => p.catch((error: unknown) => plog.error({ err: error }, 'escalation delivery failed'))));
  }

  private async toSlack(incident: Incident, step: EscalationStep, who: readonly string[], log: Logger): Promise<void> {
    const client = this.opts.slack;
    if (!client) return;
    const link = incident.slack ? `https://slack.com/archives/${incident.slack.channel}/p${incident.slack.ts.replace('.', '')}` : null;
    const message = escalationSlackMessage(incident, step, who, link);
    const sends: Array<Promise<unknown>> = [];
    if (incident.slack) {
      const { channel, ts } = incident.slack;
      sends.push(afterRateLimits(() => client.chat.postMessage({ channel, thread_ts: ts, ...message })));
    }
    for (const user of await this.dmRecipients(who)) {
      sends.push(this.dmChannel(client, user)
        .then((channel) => afterRateLimits(() => client.chat.postMessage({ channel, ...message })))
        .catch((error: unknown) => { this.dms.delete(user); throw error; }));
    }
    const results = await Promise.allSettled(sends);
    for (const r of results) if (r.status === 'rejected') log.warn({ err: r.reason }, 'escalation ping not delivered in Slack');
  }
}

const RATE_LIMIT_TRIES = 4;
const MAX_RETRY_AFTER_S = 10;

/**
 * A ping shares its channel with the incident's own notes (one message a second per channel):
 * a 429 waits out Slack's Retry-After (bounded) and tries again instead of losing the ping.
 */
async function afterRateLimits<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const e = error as { code?: string; retryAfter?: number };
      if (e.code !== 'slack_webapi_rate_limited_error' || attempt >= RATE_LIMIT_TRIES) throw error;
      await new Promise((r) => setTimeout(r, Math.min(e.retryAfter ?? 1, MAX_RETRY_AFTER_S) * 1000));
    }
  }
}
