/**
 * The Slack front end: a Bolt app in Socket Mode (it connects out, so a production host needs no
 * public URL) or, with `slack.socketMode: false`, over signed HTTP on `slack.listen`
 * (http/signed-http-server.ts refuses forged, old and replayed requests before Bolt sees them);
 * its listeners (commands/, actions/), permissions, approvals and the audit trail (access/), and
 * the live progress messages (remembered in Redis, so a restarted bot finishes them, as it does
 * pending approval requests). `slackApiUrl` comes from ripcord.yml (`slack.apiUrl`), which is how
 * tests point it at the local emulator.
 */
import { App, HTTPReceiver, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { BadInputError } from '../domain/errors.js';
import { IncidentService } from '../incidents/incident-service.js';
import { retentionMs } from '../queue/operation-worker.js';
import { durableConnection, failFastConnection } from '../queue/redis-connections.js';
import { IncidentActions } from './incident-actions.js';
import { ApprovalBook, type Approval } from './access/approvals.js';
import { AuditTrail } from './access/audit-trail.js';
import { Gatekeeper } from './access/gatekeeper.js';
import { UserGroups } from './access/user-groups.js';
import { registerActions } from './actions/index.js';
import { boundedUseCases } from './bounded-use-cases.js';
import type { BotContext } from './bot-context.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { ReplayGuard } from './http/replay-guard.js';
import { startSignedHttpServer } from './http/signed-http-server.js';
import { showDecision } from './operation-gate.js';
import { LEASE_MS, LiveMessageLedger } from './live-message-ledger.js';
import { ProgressMessages } from './progress.js';
import { ListenerRoutes } from './listener-routes.js';
import { LocalUseCases } from './local-use-cases.js';
import type { SlackUseCases } from './use-cases.js';

export interface SlackBot {
  app: App;
  progress: ProgressMessages;
  /** HTTP mode: the address Slack's requests arrive on (host:port); null in Socket Mode. */
  httpAddress: string | null;
  audit: AuditTrail;
  stop(): Promise<void>;
}

/** True when ripcord.yml (or the environment) holds what the bot needs to connect. */
export function slackConfigured(config: RipcordConfig): boolean {
  const { botToken, appToken, signingSecret, socketMode } = config.slack;
  return Boolean(botToken && (socketMode ? appToken : signingSecret));
}

export async function startSlackBot(config: RipcordConfig, log: Logger, useCases?: SlackUseCases): Promise<SlackBot> {
  const { botToken, appToken, signingSecret, apiUrl, socketMode } = config.slack;
  if (!botToken) throw new BadInputError('Slack is not configured', 'set slack.botToken (xoxb-…) in ripcord.yml, e.g. botToken: ${SLACK_BOT_TOKEN}');
  if (socketMode && !appToken) throw new BadInputError('Socket Mode needs an app-level token', 'set slack.appToken (xapp-…, with connections:write), e.g. appToken: ${SLACK_APP_TOKEN} — or slack.socketMode: false with a signing secret');
  if (!socketMode && !signingSecret) throw new BadInputError('HTTP mode (slack.socketMode: false) needs the signing secret', 'set slack.signingSecret: ${SLACK_SIGNING_SECRET} (Basic Information → App Credentials)');
  const cases = boundedUseCases(useCases ?? await LocalUseCases.open(config, log));
  const slackLog = log.child({ component: 'slack' });
  const quiet = { logger: boltLogger(slackLog), logLevel: LogLevel.ERROR };
  // Progress has its own client: a 429 must reach it at once (to coalesce), not after web-api's own retries.
  const progressClient = new webApi.WebClient(botToken, { slackApiUrl: apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, ...quiet });
  // Approval requests and group look-ups: a few bounded retries, never web-api's 30 minutes.
  const web = new webApi.WebClient(botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 4, factor: 1.5, maxRetryTime: 20_000 }, timeout: 10_000, ...quiet });
  const audit = new AuditTrail(config, slackLog);
  const ledgerRedis = durableConnection(config.redis.url);
  const ledger = new LiveMessageLedger(ledgerRedis, config.redis.prefix, retentionMs(config));
  const progress = new ProgressMessages(progressClient, (id, signal) => cases.follow(id, signal), slackLog, { ledger, audit: (e) => audit.record(e) });
  const receiver = socketMode ? null : new HTTPReceiver({ signingSecret: signingSecret!, logger: boltLogger(slackLog), logLevel: LogLevel.WARN });
  const app = new App({
    token: botToken, logger: boltLogger(slackLog), logLevel: LogLevel.WARN,
    ...(receiver ? { receiver } : { appToken, socketMode: true }),
    clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 3, factor: 1.5 } },
    // Bolt's conversation store is a global middleware every request passes; nothing here reads it.
    convoStore: false,
  });
  const access = new Gatekeeper(config, new UserGroups(web, slackLog), audit);
  // Fail fast: a person asking while Redis is down is told so at once, not after it comes back.
  const approvalsRedis = failFastConnection(config.redis.url);
  approvalsRedis.connect().catch(() => undefined); // reconnects by itself; a command meanwhile fails with the fix
  const approvals = new ApprovalBook(approvalsRedis, config.redis.prefix, (a) => expired(a), { log: slackLog });
  const ctx: BotContext = { useCases: cases, progress, log: slackLog, now: () => new Date(), access, web, approvals, incidents: new IncidentService(config, slackLog) };
  ctx.escalation = new IncidentActions(config, ctx.incidents, slackLog);
  const expired = async (a: Approval) => {
    await audit.record({ event: 'denied', environment: a.op.environment, action: `approve ${a.op.action}`, user: a.op.requester, channel: a.message?.channel ?? null, target: a.op.target, requestId: a.op.request.requestId, approvalId: a.id, detail: 'expired: nobody approved in time' });
    await showDecision(ctx, a, { kind: 'expired' });
  };
  const routes = new ListenerRoutes();
  registerCommands(routes.listeners, ctx);
  registerActions(routes.listeners, ctx);
  registerEvents(routes.listeners, ctx);
  routes.mountOn(app, slackLog);
  app.error(async (error) => { slackLog.error({ err: error }, 'unhandled error in a Slack listener'); });
  let http: Awaited<ReturnType<typeof startSignedHttpServer>> | null = null;
  if (receiver) http = await startSignedHttpServer({ listen: config.slack.listen, signingSecret: signingSecret!, receiver, replays: new ReplayGuard(ledgerRedis, config.redis.prefix, slackLog), log: slackLog });
  else await app.start();
  // Messages a stopped or dead bot left unfinished: taken up now, and whenever a lease expires.
  const resume = () => void progress.resume().catch((err: unknown) => slackLog.warn({ err }, 'could not resume unfinished live messages'));
  resume();
  approvals.start();
  const resuming = setInterval(resume, LEASE_MS / 2);
  resuming.unref();
  return {
    app, progress, audit, httpAddress: http?.address ?? null,
    async stop() {
      clearInterval(resuming);
      await approvals.stop();
      await ctx.escalation?.close();
      if (http) await http.close(); else await app.stop();
      await progress.stop();
      ledgerRedis.disconnect();
      approvalsRedis.disconnect();
      await audit.drain();
      await cases.close();
    },
  };
}

/** How the bot reaches Slack, for the line a command prints when it is up. */
export function connectedHow(bot: Pick<SlackBot, 'httpAddress'>): string {
  return bot.httpAddress ? `listening for signed Slack requests on http://${bot.httpAddress}/slack/events` : 'connected over Socket Mode';
}

/** Bolt and web-api log through pino (so secrets are redacted the same way as everywhere else). */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.WARN;
  const write = (fn: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => log[fn](msg.map(String).join(' '));
  return {
    debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'),
    setLevel: (l: LogLevel) => { level = l; }, getLevel: () => level, setName: () => undefined,
  };
}
