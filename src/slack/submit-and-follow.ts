/**
 * The end of every confirm: may this person do it here (ctx.access answers and audits a refusal)?
 * Then run it or hold it for approval (operation-gate.ts: submit once per request ID, follow it in
 * one live message, audit start and end), and answer where it stands — starting, queued behind N,
 * or waiting for the lock held by whom, doing what, since when — or that it waits for approval.
 */
import type { SlackAction } from '../config/schema.js';
import { describeOperation, type OperationRequest } from '../operations/request.js';
import type { Respond } from './access/gatekeeper.js';
import { slackPerson, type BotContext } from './bot-context.js';
import { submittedMessage } from './messages/confirm-outcome.js';
import { code, escapeText } from './messages/mrkdwn.js';
import { runOrHold } from './operation-gate.js';
import type { Reply } from './reply.js';

export interface Asker {
  action: SlackAction;
  user: { id: string; username?: string; name?: string; user_name?: string };
  /** The channel the click or command came from (null in a modal or the Home tab). */
  channel: string | null;
  /** The ref, rollback target or backup, for the audit trail. */
  target: string;
  /** Where a refusal goes: the ephemeral response, or the modal. */
  refuse: Respond;
}

/** `what` is plain text ("Rollback quick"); it is escaped here. */
export async function submitAndFollow(ctx: BotContext, request: OperationRequest, what: string, reply: Reply, asker: Asker): Promise<void> {
  const { environment } = request;
  const requester = slackPerson(asker.user);
  if (!(await ctx.access.require({ action: asker.action, environment, user: requester, channel: asker.channel, target: asker.target, respond: asker.refuse }))) return;
  const lockHeldBy = await ctx.useCases.lockHolder(environment).catch(() => null);
  const outcome = await runOrHold(ctx, {
    action: asker.action, environment, target: asker.target, what: `${escapeText(what)} (${code(asker.target)})`, title: describeOperation(request.operation),
    requester, channel: asker.channel ?? '', request,
  });
  if (outcome.kind === 'held') return reply(outcome.message);
  if (outcome.submitted.duplicate) return; // the first click answered and follows it
  await reply(submittedMessage({ what, environment, operationId: outcome.submitted.operationId, position: outcome.submitted.position, lockHeldBy, channel: outcome.channel }));
}

/** Backup create and verify change nothing a person relies on: no permission or approval, straight to the queue. */
export async function submitTask(ctx: BotContext, request: OperationRequest, what: string, reply: Reply): Promise<void> {
  const lockHeldBy = await ctx.useCases.lockHolder(request.environment).catch(() => null);
  const submitted = await ctx.useCases.submit(request);
  if (submitted.duplicate) return;
  const channel = ctx.useCases.channelOf(request.environment);
  await reply(submittedMessage({ what, environment: request.environment, operationId: submitted.operationId, position: submitted.position, lockHeldBy, channel }));
  void ctx.progress.track({ operationId: submitted.operationId, environment: request.environment, channel, title: describeOperation(request.operation), requestedBy: `${request.requestedBy} via slack` });
}
