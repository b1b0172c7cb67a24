/**
 * The Notifier: one notification to the notifications log first and always, then to every
 * configured remote sink independently and in parallel. A sink that fails (refused, timed out,
 * non-2xx, SMTP error) blocks none of the others; its delivery goes to the durable outbox.
 * Kept deliveries are flushed before a new one is sent, so a sink receives them in order.
 */
import type { Logger } from 'pino';
import { sanitizeNotification } from '../domain/notification-format.js';
import { systemClock, type Clock, type Notification, type Notifier } from '../domain/ports.js';
import { emptyFlushResult, flushOutbox, type FlushResult } from './flush-outbox.js';
import type { NotificationsLogFile } from './notifications-log-file.js';
import { deliveryId, type Outbox } from './outbox.js';
import type { RemoteSink, RemoteSinkName } from './sink.js';

export type SinkOutcome =
  | { sink: 'log' | RemoteSinkName; ok: true }
  | { sink: 'log' | RemoteSinkName; ok: false; error: string; kept: boolean };

export interface FanOutNotifierOptions {
  logFile: NotificationsLogFile;
  sinks: readonly RemoteSink[];
  outbox: Outbox;
  log: Logger;
  keepDays: number;
  clock?: Clock;
}

export interface DeliverOptions {
  /** Keep failed deliveries in the outbox (default true; `ripcord notify test` does not). */
  keep?: boolean;
  /** Flush kept deliveries first (default true). */
  flushFirst?: boolean;
  /** Append to the notifications log (default true); an escalation's extra targets share one line. */
  logFile?: boolean;
}

export class FanOutNotifier implements Notifier {
  readonly logFile: NotificationsLogFile;
  readonly outbox: Outbox;
  readonly sinks: ReadonlyMap<RemoteSinkName, RemoteSink>;
  private readonly log: Logger;
  private readonly clock: Clock;

  constructor(private readonly opts: FanOutNotifierOptions) {
    this.logFile = opts.logFile;
    this.outbox = opts.outbox;
    this.sinks = new Map(opts.sinks.map((s) => [s.name, s]));
    this.log = opts.log.child({ component: 'notify' });
    this.clock = opts.clock ?? systemClock;
  }

  async notify(notification: Notification): Promise<void> {
    await this.deliver(notification);
  }

  /** Sends one notification everywhere and says how each sink fared. Never throws. */
  async deliver(notification: Notification, options: DeliverOptions = {}): Promise<SinkOutcome[]> {
    // A caller's invalid date must not cost the notification: every sink formats the time.
    const at = notification.at instanceof Date && !Number.isNaN(notification.at.getTime()) ? notification.at : this.clock.now();
    const n = sanitizeNotification({ ...notification, at });
    const outcomes: SinkOutcome[] = options.logFile === false ? [] : [await this.appendToLogFile(n)];
    const flushed = options.flushFirst === false ? emptyFlushResult() : await this.flushQuietly();
    const id = deliveryId(n.at);
    const remote = await Promise.all([...this.sinks.values()].map((sink) => this.sendOne(sink, n, id, flushed, options.keep ?? true)));
    return [...outcomes, ...remote];
  }

  /** Re-sends kept deliveries (see flush-outbox.ts). Throws only when the outbox itself cannot be read. */
  flush(bounds: { maxDeliveries?: number; budgetMs?: number } = {}): Promise<FlushResult> {
    return flushOutbox({ outbox: this.outbox, sinks: this.sinks, logFile: this.logFile, log: this.log, clock: this.clock, keepDays: this.opts.keepDays, ...bounds });
  }

  private async appendToLogFile(n: Notification): Promise<SinkOutcome> {
    try {
      await this.logFile.append(n);
      return { sink: 'log', ok: true };
    } catch (error) {
      this.log.error({ err: error, path: this.logFile.path }, 'notification not written to the notifications log');
      return { sink: 'log', ok: false, error: error instanceof Error ? error.message : String(error), kept: false };
    }
  }

  private async flushQuietly(): Promise<FlushResult> {
    try {
      return await this.flush();
    } catch (error) {
      this.log.warn({ err: error, dir: this.outbox.dir }, 'outbox not flushed before sending');
      return emptyFlushResult();
    }
  }

  private async sendOne(sink: RemoteSink, n: Notification, id: string, flushed: FlushResult, keep: boolean): Promise<SinkOutcome> {
    // A sink that did not answer the flush a moment ago would only make this wait out its timeout again.
    const down = flushed.down.get(sink.name);
    let error = down === undefined ? undefined : `not sent: ${sink.name} did not answer moments before (${down})`;
    if (error === undefined) {
      try {
        await sink.send(n);
        return { sink: sink.name, ok: true };
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    if (!keep) return { sink: sink.name, ok: false, error, kept: false };
    return { sink: sink.name, ok: false, error, kept: await this.keep(id, sink.name, n, error) };
  }

  private async keep(id: string, sink: RemoteSinkName, n: Notification, error: string): Promise<boolean> {
    try {
      await this.outbox.keep(id, sink, n, error, this.clock.now());
      this.log.warn({ sink, delivery: id, error }, 'notification not delivered; kept in the outbox');
      return true;
    } catch (keepError) {
      this.log.error({ err: keepError, sink, delivery: id, error }, 'notification not delivered and could not be kept: it is only in the notifications log');
      await this.logFile.note('ERROR', `notification to ${sink} not delivered (${error}) and not kept (${keepError instanceof Error ? keepError.message : String(keepError)}): [${n.level}] ${n.title}`, this.clock.now())
        .catch(() => undefined);
      return false;
    }
  }
}
