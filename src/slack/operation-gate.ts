/**
 * The use case behind every "run it" button: record that it was asked, then either submit the
 * operation (and follow it in one live message, auditing its start and end) or — where the
 * environment requires approval for this action — hold it and post an approval request with
 * Approve/Deny in the deploy channel. `submitHeld` is what Approve calls. Listeners check
 * permissions (ctx.access.require) before calling these.
 */
import type { Submitted } from '../queue/operation-submitter.js';
import type { Approval, HeldOperation } from './access/approvals.js';
import type { SlackUser } from './access/permission-rules.js';
import type { BotContext } from './bot-context.js';
import { approvalDecidedMessage, approvalRequestMessage, waitingForApprovalMessage, type ApprovalOutcome, type ApprovalView } from './messages/access-messages.js';
import type { SlackMessage } from './messages/blocks.js';

export type Outcome =
  | { kind: 'submitted'; submitted: Submitted; channel: string }
  | { kind: 'held'; approval: Approval; message: SlackMessage };

/** After the confirm: submit now, or hold for approval (`held`, decided once by the caller). The caller renders the outcome. */
export async function runOrHold(ctx: BotContext, held: boolean, op: HeldOperation): Promise<Outcome> {
  await ctx.access.audit.record({ event: 'asked', environment: op.environment, action: op.action, user: op.requester, channel: op.channel, target: op.target, requestId: op.request.requestId, ...(held ? { detail: 'approval required' } : {}) });
  if (!held) return { kind: 'submitted', submitted: await submitHeld(ctx, op, null), channel: ctx.useCases.channelOf(op.environment) };
  const { approval, existing } = await ctx.approvals.hold(op, ctx.access.approvalMinutes(op.environment) * 60_000);
  const channel = ctx.useCases.channelOf(op.environment);
  if (existing) return { kind: 'held', approval, message: waitingForApprovalMessage(viewOf(ctx, approval), channel) };
  const posted = await ctx.web.chat.postMessage({ channel, ...approvalRequestMessage(viewOf(ctx, approval), ctx.now().getTime()) })
    .catch(async (error: unknown) => {
      await ctx.approvals.withdraw(approval).catch(() => undefined); // nobody can see it: asking again must post a new one
      throw error;
    });
  approval.message = { channel: String(posted.channel ?? channel), ts: String(posted.ts ?? '') };
  // Any bot may decide or expire it from now on: it must find the message to update.
  const current = await ctx.approvals.rememberMessage(approval.id, approval.message);
  if (current?.decided?.kind === 'expired') await showDecision(ctx, { ...current, message: approval.message }, { kind: 'expired' }); // it expired before anyone knew where it was
  await ctx.access.audit.record({ event: 'approval_requested', environment: op.environment, action: op.action, user: op.requester, channel: approval.message.channel, target: op.target, requestId: op.request.requestId, approvalId: approval.id });
  return { kind: 'held', approval, message: waitingForApprovalMessage(viewOf(ctx, approval), channel) };
}

/** Submits (once per request ID) and follows it; `approvedBy` is recorded with the start. */
export async function submitHeld(ctx: BotContext, op: HeldOperation, approvedBy: SlackUser | null): Promise<Submitted> {
  const submitted = await ctx.useCases.submit(op.request);
  if (submitted.duplicate) return submitted; // the first submission follows it and audits it
  const channel = ctx.useCases.channelOf(op.environment);
  void ctx.progress.track({
    operationId: submitted.operationId, environment: op.environment, channel, title: op.title, requestedBy: `${op.request.requestedBy} via slack`,
    audit: {
      environment: op.environment, action: op.action, user: op.requester, channel: null, target: op.target, operationId: submitted.operationId, requestId: op.request.requestId,
      ...(approvedBy ? { approvedBy: `${approvedBy.name} (${approvedBy.id})` } : {}),
    },
  });
  return submitted;
}

/** Replaces the approval request in the channel with its outcome (buttons gone). */
export async function showDecision(ctx: BotContext, approval: Approval, outcome: ApprovalOutcome): Promise<void> {
  if (!approval.message?.ts) return;
  await ctx.web.chat.update({ channel: approval.message.channel, ts: approval.message.ts, ...approvalDecidedMessage(viewOf(ctx, approval), outcome) })
    .catch((err: unknown) => ctx.log.warn({ err, approval: approval.id }, 'could not update the approval request'));
}

export function viewOf(ctx: BotContext, a: Approval): ApprovalView {
  return { id: a.id, action: a.op.action, environment: a.op.environment, what: a.op.what, requesterId: a.op.requester.id, expiresAt: a.expiresAt, approvers: ctx.access.whoMay(a.op.environment, a.op.action) };
}
