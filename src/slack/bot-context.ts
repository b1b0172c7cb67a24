/** What every Slack listener receives besides Bolt's own arguments, and how a failure is answered. */
import type { Logger } from 'pino';
import { RipcordError } from '../domain/errors.js';
import { redactString } from '../domain/redact.js';
import { problemMessage } from './messages/deploy-preview.js';
import type { SlackMessage } from './messages/blocks.js';
import type { ProgressMessages } from './progress.js';
import type { SlackUseCases } from './use-cases.js';

export interface BotContext {
  useCases: SlackUseCases;
  progress: ProgressMessages;
  log: Logger;
  now: () => Date;
}

/** A RipcordError as "what went wrong — what to do"; anything else says it failed without a stack trace or a secret. */
export function problemOf(error: unknown): SlackMessage {
  if (error instanceof RipcordError) return problemMessage(redactString(error.message), redactString(error.fix));
  const why = error instanceof Error ? error.message : String(error);
  return problemMessage(`Ripcord could not do that: ${redactString(why)}`, 'try again; if it keeps failing, run `ripcord doctor` on the host');
}

/** "@alice": how a Slack user is named in locks, journals and messages. */
export function slackUser(user: { id: string; username?: string; name?: string; user_name?: string }): string {
  return `@${user.username ?? user.user_name ?? user.name ?? user.id}`;
}
