/**
 * Email over SMTP with nodemailer, replacing the old script's `mail`: one message to every
 * address in notifications.email.to, subject with level, environment and title, plain text body.
 */
import { createTransport } from 'nodemailer';
import { emailBody, emailSubject, isUrgent } from '../domain/notification-format.js';
import type { Notification } from '../domain/ports.js';
import type { NotificationsConfig } from '../config/schema.js';
import { describeNetworkError, SinkError, type RemoteSink } from './sink.js';

type EmailConfig = NonNullable<NotificationsConfig['email']>;

export class EmailSink implements RemoteSink {
  readonly name = 'email' as const;

  /** `email.smtpUrl` may hold the relay's password; it stays in memory and is never logged. */
  constructor(private readonly email: EmailConfig, private readonly timeoutMs: number) {}

  async send(notification: Notification): Promise<void> {
    // A transport per message: notifications are rare, and a pooled connection would outlive the CLI.
    const transport = createTransport({
      url: this.email.smtpUrl,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      logger: false,
      debug: false,
    });
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
      transport.close();
    }
  }
}
