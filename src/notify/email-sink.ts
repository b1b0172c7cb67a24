/**
 * Email over SMTP with nodemailer, replacing the old script's `mail`: one message to every
 * address in notifications.email.to, subject with level, environment and title, plain text body.
 */
import { createTransport, type Transporter } from 'nodemailer';
import { emailBody, emailSubject, isUrgent } from '../domain/notification-format.js';
import type { Notification } from '../domain/ports.js';
import type { NotificationsConfig } from '../config/schema.js';
import { describeNetworkError, SinkError, type RemoteSink } from './sink.js';

type EmailConfig = NonNullable<NotificationsConfig['email']>;

export class EmailSink implements RemoteSink {
  readonly name = 'email' as const;

  /** `email.smtpUrl` may hold the relay's password; it stays in memory and is never logged. */
  constructor(private readonly email: EmailConfig, private readonly timeoutMs: number, private readonly shared?: Transporter) {}

  async send(notification: Notification): Promise<void> {
    // Without a shared transport, one per message: notifications are rare, and a pooled connection would outlive the CLI.
    const transport = this.shared ?? createTransport(transportOptions(this.email.smtpUrl, this.timeoutMs));
    try {
      await transport.sendMail({
        from: this.email.from,
        to: this.email.to,
        subject: emailSubject(notification),
        text: emailBody(notification),
        ...(isUrgent(notification.level) ? { priority: 'high' as const } : {}),
        headers: { 'X-Ripcord-Level': notification.level, 'X-Ripcord-Environment': notification.environment },
      });
    } catch (error) {
      const d = describeNetworkError(error, this.timeoutMs);
      throw new SinkError(this.name, d.message, d.sinkDown);
    } finally {
      if (!this.shared) transport.close();
    }
  }
}

/**
 * One pooled SMTP transport for a long-running sender (the escalation timers: many pings a
 * minute), instead of a connection per message. The owner closes it when it stops.
 */
export function pooledEmailTransport(smtpUrl: string, timeoutMs: number): Transporter {
  return createTransport({ ...transportOptions(smtpUrl, timeoutMs), pool: true, maxConnections: 4 });
}

function transportOptions(smtpUrl: string, timeoutMs: number) {
  return { url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, logger: false, debug: false };
}
