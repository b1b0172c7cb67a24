/**
 * Small ports that domain and use-case code receive instead of reaching out themselves
 * (DESIGN.md "Ports are tiny interfaces"). Adapters in src/adapters implement them.
 */

/** Time, so tests and the escalation policy can control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type NotificationLevel = 'INFO' | 'SUCCESS' | 'WARNING' | 'ERROR' | 'ROLLBACK_SUCCESS' | 'ROLLBACK_FAILED';

/** One event, fanned out by src/notify to Slack, email, webhook and the notifications log. */
export interface Notification {
  level: NotificationLevel;
  /** One line, e.g. "Deploy v1.0.4 to production rolled back". */
  title: string;
  /** Details in words, e.g. the failure reason. Must not contain secrets. */
  text: string;
  environment: string;
  deploymentId?: string;
  /** Short key/value facts shown as fields (release, duration, backup…). */
  fields?: Readonly<Record<string, string>>;
  at: Date;
}

export interface Notifier {
  /** Never throws: a sink that fails is retried or kept for later by the notifier itself. */
  notify(notification: Notification): Promise<void>;
}
