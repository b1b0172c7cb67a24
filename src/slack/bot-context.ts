/** What every Slack listener receives besides Bolt's own arguments, and how a failure is answered. */
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ApprovalBook } from './access/approvals.js';
import type { Gatekeeper } from './access/gatekeeper.js';
import type { SlackUser } from './access/permission-rules.js';
import { RipcordError } from '../domain/errors.js';
import type { IncidentService } from '../incidents/incident-service.js';
import { redactString } from '../domain/redact.js';
import { problemMessage } from './messages/deploy-preview.js';
import type { SlackMessage } from './messages/blocks.js';
import type { IncidentActions } from './incident-actions.js';
import type { ProgressMessages } from './progress.js';
import type { SlackUseCases } from './use-cases.js';

export interface BotContext {
  useCases: SlackUseCases;
  progress: ProgressMessages;
  log: Logger;
  now: () => Date;
  /** Permissions, refusals and the audit trail: every listener that acts asks it first. */
  access: Gatekeeper;
  approvals: ApprovalBook;
  /** Posts the bot's own channel messages (approval requests), with bounded retries. */
  web: webApi.WebClient;
  /** `/incident` and the incident buttons: the same use case as `ripcord incidents`. */
  incidents: IncidentService;
  /** The escalation buttons (Acknowledge, Escalate now, Resolve) and the timers they change. */
  escalation?: IncidentActions;
}

/** A RipcordError as "what went wrong — what to do"; anything else says it failed without a stack trace or a secret. */
export function problemOf(error: unknown): SlackMessage {
  if (error instanceof RipcordError) return problemMessage(redactString(error.message), redactString(error.fix));
  const why = error instanceof Error ? error.message : String(error);
  return problemMessage(`Ripcord could not do that: ${redactString(why)}`, 'try again; if it keeps failing, run `ripcord doctor` on the host');
}

type SlackUserFields = { id: string; username?: string; name?: string; user_name?: string };

/** "@alice (U0ALICE)": how a Slack user is named in locks, journals and messages — readable, and the ID that does not change. */
export function slackUser(user: SlackUserFields): string {
  const name = user.username ?? user.user_name ?? user.name;
  return name && name !== user.id ? `@${name} (${user.id})` : `@${user.id}`;
}

/** The Slack user as the audit trail and the permission checks see them. */
export function slackPerson(user: SlackUserFields): SlackUser {
  return { id: user.id, name: user.username ?? user.user_name ?? user.name ?? user.id };
}
