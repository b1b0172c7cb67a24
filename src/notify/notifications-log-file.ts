/**
 * logs/notifications.log, the old script's record of every notification: one line each,
 * `[YYYY-MM-DD HH:MM:SS] [LEVEL] message`. Written first and always, before any remote sink, so
 * what happened is on this host even when nothing else can be reached.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatNotificationLogLine, notificationLogLine } from '../domain/notification-format.js';
import type { Notification } from '../domain/ports.js';

/** Notifications name hosts, SHAs and failure reasons: private to Ripcord's user when created. */
const LOG_FILE_MODE = 0o600;

export class NotificationsLogFile {
  readonly path: string;

  /** `file` relative to the environment's appDir, as the old script wrote `logs/notifications.log` from it. */
  constructor(file: string, appDir: string) {
    this.path = isAbsolute(file) ? file : resolve(appDir, file);
  }

  async append(notification: Notification): Promise<void> {
    await this.write(notificationLogLine(notification));
  }

  /** A line of Ripcord's own about notifications, e.g. one dropped from the outbox. */
  async note(level: string, message: string, at: Date): Promise<void> {
    await this.write(formatNotificationLogLine(at, level, message));
  }

  private async write(line: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    // One write of one line in append mode: lines from concurrent processes never interleave.
    await appendFile(this.path, line, { mode: LOG_FILE_MODE });
  }
}
