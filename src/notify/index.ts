/** The notify module: sinks, the fan-out Notifier, the durable outbox, and what commands call. */
export { notifierFor, flushOutboxFor, type NotifierOptions } from './notifier-for.js';
export { FanOutNotifier, type SinkOutcome, type DeliverOptions } from './fan-out-notifier.js';
export { flushOutbox, keptAfter, type FlushResult } from './flush-outbox.js';
export { Outbox, type OutboxEntry } from './outbox.js';
export { notificationFromReport, levelOfReport } from './report-notification.js';
export { NotificationsLogFile } from './notifications-log-file.js';
export { SinkError, type RemoteSink, type RemoteSinkName } from './sink.js';
