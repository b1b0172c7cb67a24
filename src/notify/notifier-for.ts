/**
 * The notifier of one environment, built from ripcord.yml, and the outbox flush an operation
 * starts with (`flushOutboxFor`, never throws: a notification problem must not change a deploy's
 * or rollback's outcome). How a report is told: operations/tell-outcome.ts.
 */
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import type { Clock } from '../domain/ports.js';
import { EmailSink } from './email-sink.js';
import { FanOutNotifier } from './fan-out-notifier.js';
import type { FlushResult } from './flush-outbox.js';
import { NotificationsLogFile } from './notifications-log-file.js';
import { Outbox } from './outbox.js';
import { DEFAULT_SINK_TIMEOUT_MS, type RemoteSink } from './sink.js';
import { slackWebhookSink } from './slack-webhook-sink.js';
import { webhookSink } from './webhook-sink.js';

export interface NotifierOptions {
  /** Per remote delivery (default 10 s). */
  timeoutMs?: number;
  clock?: Clock;
  /** A pooled transport of the caller's, used for the environment's email when it goes to this SMTP URL. */
  emailTransport?: (smtpUrl: string) => Transporter;
}

export function notifierFor(config: RipcordConfig, envName: string, log: Logger, options: NotifierOptions = {}): FanOutNotifier {
  const env = config.environments[envName];
  if (!env) throw new RipcordError('bad_input', `environment "${envName}" is not in ripcord.yml`, `use one of: ${Object.keys(config.environments).join(', ')}`, ExitCode.refused);
  const n = env.notifications;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SINK_TIMEOUT_MS;
  const sinks: RemoteSink[] = [];
  if (n.slackWebhookUrl) sinks.push(slackWebhookSink(n.slackWebhookUrl, timeoutMs));
  if (n.webhookUrl) sinks.push(webhookSink(n.webhookUrl, timeoutMs, n.webhookSecret));
  if (n.email) sinks.push(new EmailSink(n.email, timeoutMs, options.emailTransport?.(n.email.smtpUrl)));
  return new FanOutNotifier({
    logFile: new NotificationsLogFile(n.logFile, env.appDir),
    sinks,
    outbox: new Outbox(config.stateDir, envName),
    log: log.child({ env: envName }),
    keepDays: n.outboxKeepDays,
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** Re-sends what the outbox kept, best effort. Never throws: null when the outbox could not be read. */
export async function flushOutboxFor(config: RipcordConfig, envName: string, log: Logger, options: NotifierOptions = {}): Promise<FlushResult | null> {
  try {
    return await notifierFor(config, envName, log, options).flush();
  } catch (error) {
    log.error({ err: error, env: envName }, 'outbox flush failed');
    return null;
  }
}
