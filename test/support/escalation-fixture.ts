/**
 * For escalation tests and bench/escalation: real Redis (a unique prefix), the Slack emulator, a
 * real SMTP server and webhook receiver, the real incident store, and the escalation service the
 * executor runs — with one escalation minute lasting `minuteMs`. No Docker.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { ripcordConfigSchema, type RipcordConfig } from '../../src/config/schema.js';
import { IncidentStore } from '../../src/incidents/incident-store.js';
import { durableConnection } from '../../src/queue/redis-connections.js';
import { EscalationService } from '../../src/service/escalation-service.js';
import { openTestbed, type Testbed } from './notify-receivers.js';
import { dropPrefix, newPrefix, REDIS_URL } from './service-fixtures.js';
import { APP_TOKEN, BOT_TOKEN, SlackEmulator, type EmulatorOptions } from './slack-emulator/slack-emulator.js';

export const WEBHOOK_SECRET = 'escalation-test-secret-0123456789';
export const INCIDENTS_CHANNEL = '#incidents-esc';

export interface EscalationFixture {
  bed: Testbed;
  slack: SlackEmulator;
  config: RipcordConfig;
  store: IncidentStore;
  service: EscalationService | null;
  start(): Promise<EscalationService>;
  stop(): Promise<void>;
  /** Opens an incident placed in a thread of the incidents channel and schedules its timers (what opening does). */
  open(summary: string): Promise<string>;
  cleanup(): Promise<void>;
}

export interface EscalationSetup {
  minuteMs: number;
  remindEveryMinutes?: number;
  reescalateAfterMinutes?: number;
  /** Slack's rate limits (default: as Slack enforces them; the bench lifts them to time the timers alone). */
  slackLimits?: EmulatorOptions['limits'];
}

export async function startEscalationFixture(setup: EscalationSetup): Promise<EscalationFixture> {
  const bed = await openTestbed();
  const slack = await SlackEmulator.start(setup.slackLimits ? { limits: setup.slackLimits } : {});
  // Level 1's group: a second developer, and the first one again (DMed once).
  slack.state.userGroups.set('S0DEVTEAM1', ['U0DEV00002', 'U0DEV00001']);
  const prefix = newPrefix();
  mkdirSync(bed.root.appDir, { recursive: true });
  const remind = setup.remindEveryMinutes ?? 1000;
  const config = ripcordConfigSchema.parse({
    stateDir: bed.root.stateDir,
    redis: { url: REDIS_URL, prefix },
    service: { escalationMinuteMs: setup.minuteMs },
    slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: slack.apiUrl },
    environments: {
      production: {
        appDir: bed.root.appDir,
        database: { url: 'postgres://app@127.0.0.1:5432/app' },
        backups: { dir: join(bed.root.root, 'backups') },
        health: { url: 'http://127.0.0.1:9/health/' },
        notifications: { webhookSecret: WEBHOOK_SECRET, email: { to: ['ops@example.com'], smtpUrl: `smtp://127.0.0.1:${bed.smtp.port}` } },
        contacts: {
          level1: { slack: ['U0DEV00001', 'S0DEVTEAM1'], email: ['dev@example.com'], remindEveryMinutes: remind },
          level2: { slack: ['U0LEAD0001'], email: ['lead@example.com'], webhooks: [bed.http.url('/level2')], remindEveryMinutes: remind },
          level3: { slack: ['U0CTO00001'], webhooks: [bed.http.url('/level3')], remindEveryMinutes: remind },
          reescalateAfterMinutes: setup.reescalateAfterMinutes ?? 10,
        },
      },
    },
  });
  const connection = durableConnection(REDIS_URL);
  const store = new IncidentStore(config.stateDir);
  const log = pino({ level: process.env.RIPCORD_TEST_LOG ?? 'silent' });
  const fixture: EscalationFixture = {
    bed, slack, config, store, service: null,
    async start() {
      fixture.service = await EscalationService.start({ config, environments: ['production'], connection, log });
      return fixture.service;
    },
    async stop() {
      await fixture.service?.stop();
      fixture.service = null;
    },
    async open(summary) {
      const { incident } = await store.open({ environment: 'production', operationId: null, summary, openedBy: 'test' });
      const poster = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fixture.slack.apiUrl });
      const summaryMessage = await poster.chat.postMessage({ channel: INCIDENTS_CHANNEL, text: `incident ${incident.id}` });
      await store.placeInSlack(incident.id, { mode: 'thread', channel: String(summaryMessage.channel), ts: String(summaryMessage.ts) });
      await fixture.service?.timers.sync(incident.id);
      return incident.id;
    },
    async cleanup() {
      await fixture.stop().catch(() => undefined);
      await fixture.slack.stop().catch(() => undefined);
      connection.disconnect();
      await dropPrefix(prefix);
      await bed.close();
    },
  };
  return fixture;
}

/** The escalation messages the bot posted in Slack (thread replies and DMs), with when they arrived. */
export function slackPings(slack: SlackEmulator, incidentId: string): Array<{ channel: string; thread: boolean; text: string; at: number }> {
  return slack.callsOf('chat.postMessage')
    .filter((c) => c.response.ok === true && JSON.stringify(c.args.blocks ?? '').includes(incidentId))
    .map((c) => ({ channel: String(c.args.channel), thread: typeof c.args.thread_ts === 'string', text: String(c.args.text), at: c.at }));
}

export const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
