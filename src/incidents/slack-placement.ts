/**
 * Puts an incident in Slack: its own channel (`slack.incidents: channel`) or a thread in the
 * incidents channel (`thread`, and the fallback). A channel creation that fails (rate limit,
 * Slack degraded) is retried, then the incident falls back to a thread — never to silence. The
 * people of the current level are invited (channel) or mentioned (thread), the summary is pinned,
 * and the runbook's checklists follow in the summary's thread.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EnvironmentConfig, RipcordConfig } from '../config/schema.js';
import type { Incident, SlackPlacement } from '../domain/incident.js';
import { channelNameWithSuffix, incidentChannelName } from '../domain/incident-channel.js';
import { backupsSeenHere } from './incident-backups.js';
import { checklistMessage, incidentSummaryMessage } from './incident-message.js';

export interface PlacementOptions {
  /** conversations.create attempts before falling back to a thread. */
  createAttempts?: number;
  /** Wait between failed attempts (a 429's Retry-After wins when longer). */
  retryDelayMs?: number;
}

const NAME_TAKEN_TRIES = 20;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Web API client of its own: Ripcord decides about retries here, so web-api must not retry behind it. */
export function incidentSlackClient(config: RipcordConfig): webApi.WebClient | null {
  const { botToken, apiUrl } = config.slack;
  if (!botToken) return null;
  return new webApi.WebClient(botToken, { slackApiUrl: apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, timeout: 10_000, logLevel: webApi.LogLevel.ERROR });
}

/** A link to a message that opens the right workspace for whoever clicks it. */
export function messageLink(placement: Pick<SlackPlacement, 'channel' | 'ts'>): string {
  return `https://slack.com/archives/${placement.channel}/p${placement.ts.replace('.', '')}`;
}

/** Level-1 Slack contacts: people are user IDs (U…/W…); anything else is mentioned as written. */
export function pagedPeople(env: EnvironmentConfig, level: number): string[] {
  const levels = [env.contacts.level1, env.contacts.level2, env.contacts.level3];
  return levels[level - 1]?.slack ?? [];
}

const errorOf = (error: unknown): { code: string; retryAfterMs: number } => {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e.code === webApi.ErrorCode.RateLimitedError) return { code: 'ratelimited', retryAfterMs: (e.retryAfter ?? 1) * 1000 };
  return { code: e.data?.error ?? e.message ?? String(error), retryAfterMs: 0 };
};

/** The new channel's ID, or why it could not be made (after every attempt). */
async function createChannel(client: webApi.WebClient, baseName: string, opts: Required<PlacementOptions>, log: Logger): Promise<{ id: string } | { failed: string }> {
  let name = baseName;
  let failures = 0;
  for (let taken = 1; taken <= NAME_TAKEN_TRIES;) {
    try {
      const made = await client.conversations.create({ name, is_private: false });
      return { id: String(made.channel?.id) };
    } catch (error) {
      const { code, retryAfterMs } = errorOf(error);
      if (code === 'name_taken') { taken += 1; name = channelNameWithSuffix(baseName, taken); continue; }
      failures += 1;
      log.warn({ err: code, attempt: failures, name }, 'Slack did not create the incident channel');
      if (failures >= opts.createAttempts) return { failed: `conversations.create failed ${failures} times (${code})` };
      await pause(Math.max(retryAfterMs, opts.retryDelayMs * failures));
    }
  }
  return { failed: `every name from ${baseName} to ${name} is taken` };
}

/** A post Slack rate-limits (about one message a second per channel) waits its Retry-After and goes again. */
export async function politely<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const { code, retryAfterMs } = errorOf(error);
      if (code !== 'ratelimited' || attempt >= attempts) throw error;
      await pause(retryAfterMs);
    }
  }
}

async function postChecklists(client: webApi.WebClient, incident: Incident, channel: string, ts: string, log: Logger): Promise<void> {
  await politely(() => client.chat.postMessage({ channel, thread_ts: ts, ...checklistMessage(incident) }))
    .catch((error: unknown) => log.warn({ err: errorOf(error).code }, 'checklists not posted'));
}

/** Places the incident and returns where; throws only when not even a thread message could be posted. */
export async function placeIncident(client: webApi.WebClient, incident: Incident, env: EnvironmentConfig, log: Logger, options: PlacementOptions = {}): Promise<SlackPlacement> {
  const opts = { createAttempts: options.createAttempts ?? 3, retryDelayMs: options.retryDelayMs ?? 1000 };
  const paged = pagedPeople(env, incident.escalationLevel);
  const people = paged.filter((p) => /^[UW][A-Z0-9]+$/.test(p));
  let fellBackBecause: string | undefined;
  if (env.slack.incidents === 'channel') {
    const made = await createChannel(client, incidentChannelName(new Date(incident.openedAt), incident.environment, incident.summary), opts, log);
    if ('id' in made) {
      if (people.length) await client.conversations.invite({ channel: made.id, users: people.join(',') }).catch((error: unknown) => log.warn({ err: errorOf(error).code }, 'responders not invited'));
      return postSummary(client, incident, { mode: 'channel', channel: made.id }, paged, log, env);
    }
    fellBackBecause = made.failed;
  }
  const channel = env.slack.incidentsChannel ?? env.slack.channel;
  return postSummary(client, incident, { mode: 'thread', channel, ...(fellBackBecause ? { fellBackBecause } : {}) }, paged, log, env);
}

async function postSummary(client: webApi.WebClient, incident: Incident, where: Omit<SlackPlacement, 'ts'>, paged: readonly string[], log: Logger, env: EnvironmentConfig): Promise<SlackPlacement> {
  const summary = incidentSummaryMessage(incident, paged, await backupsSeenHere(env, log));
  const posted = await politely(() => client.chat.postMessage({ channel: where.channel, ...summary }));
  const placement: SlackPlacement = { ...where, channel: String(posted.channel ?? where.channel), ts: String(posted.ts) };
  await client.pins.add({ channel: placement.channel, timestamp: placement.ts }).catch((error: unknown) => log.warn({ err: errorOf(error).code }, 'summary not pinned'));
  if (placement.fellBackBecause) {
    await politely(() => client.chat.postMessage({ channel: placement.channel, thread_ts: placement.ts, text: `An incident channel was asked for (slack.incidents: channel) but could not be created: ${placement.fellBackBecause}. The incident is worked in this thread.` }))
      .catch(() => undefined);
  }
  await postChecklists(client, incident, placement.channel, placement.ts, log);
  return placement;
}
