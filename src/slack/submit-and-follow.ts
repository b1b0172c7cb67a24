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
import { staleMessage, submittedMessage } from './messages/confirm-outcome.js';
import { runOrHold } from './operation-gate.js';
import { encodePreviewAsk, type PreviewAsk } from './preview-ask.js';
import { changedSince, tooOld, type ShownPreview } from './preview-freshness.js';
import type { SlackMessage } from './messages/blocks.js';
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
  /** The act in mrkdwn for an approval request: "deploy `v1.2.0`", "restore `backup_….dump`". */
  held: string;
  /** Why the confirmed preview no longer holds — the live SHA moved (answered instead of submitting), or null. */
  stale: () => Promise<SlackMessage | null>;
  /** The live release the preview showed: an approval given later is checked against it. */
  shownFromSha?: string | null;
}

/** `what` is plain text ("Rollback quick") for the answer; it is escaped there. */
export async function submitAndFollow(ctx: BotContext, request: OperationRequest, what: string, reply: Reply, asker: Asker): Promise<void> {
  const { environment } = request;
  const requester = slackPerson(asker.user);
  if (!(await ctx.access.require({ action: asker.action, environment, user: requester, channel: asker.channel, target: asker.target, respond: asker.refuse }))) return;
  // Decided once per confirm. Held for approval, it runs later: the approval checks the live release then.
  const held = ctx.access.approvalRequired(environment, asker.action);
  if (!held) {
    const stale = await asker.stale();
    if (stale) return reply(stale);
  }
  const outcome = await runOrHold(ctx, held, {
    action: asker.action, environment, target: asker.target, what: asker.held, title: describeOperation(request.operation),
    requester, channel: asker.channel ?? '', request, ...(asker.shownFromSha !== undefined ? { shownFromSha: asker.shownFromSha } : {}),
  });
  if (outcome.kind === 'held') return reply(outcome.message);
  if (outcome.submitted.duplicate) return; // the first click answered and follows it
  const { operationId, position } = outcome.submitted;
  await reply(submittedMessage({ what, environment, operationId, position, lockHeldBy: await otherLockHolder(ctx, environment, operationId), channel: outcome.channel }));
}

/** Who holds the lock now, unless it is this operation itself (the executor may already have started it). */
async function otherLockHolder(ctx: BotContext, environment: string, operationId: string): Promise<string | null> {
  const holder = await ctx.useCases.lockHolder(environment).catch(() => null);
  return holder && !holder.includes(operationId) ? holder : null;
}

/**
 * A confirmed preview (deploy, rollback, restore): refused with why and a Fresh preview button
 * (`fresh`) when it is too old (asked once), or — when it would run now — when the live SHA moved
 * since (asked once, by submitAndFollow); otherwise submitted.
 */
export async function submitConfirmedPreview(
  ctx: BotContext, preview: ShownPreview, fresh: PreviewAsk,
  request: OperationRequest, what: string, reply: Reply, asker: Omit<Asker, 'stale'>,
): Promise<void> {
  const answer = (why: string | null) => (why ? staleMessage(why, encodePreviewAsk(fresh)) : null);
  const old = answer(tooOld(preview, ctx.now().getTime()));
  if (old) return reply(old);
  const stale = async () => answer(changedSince(preview.environment, preview.fromSha, await ctx.useCases.currentSha(preview.environment)));
  await submitAndFollow(ctx, request, what, reply, { ...asker, stale, shownFromSha: preview.fromSha });
}
