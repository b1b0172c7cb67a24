/**
 * Approve / Deny on an approval request in the deploy channel. The decider must be allowed to do
 * the action there and must not be the requester (ctx.access.require answers and audits a
 * refusal). The first decision wins, whichever bot it reaches (approvals.ts keeps the requests in
 * Redis); Approve submits the held operation once; the request message is replaced by the outcome
 * and the decider gets an ephemeral confirmation.
 */
import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { RETAIN_MS, type Approval } from '../access/approvals.js';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson } from '../bot-context.js';
import { APPROVAL_APPROVE_ACTION, APPROVAL_DENY_ACTION } from '../messages/access-messages.js';
import { problemMessage } from '../messages/deploy-preview.js';
import { submittedMessage } from '../messages/submitted-message.js';
import { showDecision, submitHeld } from '../operation-gate.js';
import { changedSince } from '../preview-freshness.js';
import type { Listeners } from '../listener-routes.js';

export function registerApprovalDecision(app: Listeners, ctx: BotContext): void {
  for (const [actionId, kind] of [[APPROVAL_APPROVE_ACTION, 'approved'], [APPROVAL_DENY_ACTION, 'denied']] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      try {
        await decide(ctx, kind, action.value ?? '', body, respond);
      } catch (error) {
        ctx.log.warn({ err: error }, 'approval decision failed');
        await respond({ response_type: 'ephemeral', replace_original: false, ...problemOf(error) });
      }
    });
  }
}

async function decide(ctx: BotContext, kind: 'approved' | 'denied', id: string, body: BlockAction<ButtonAction>, respond: RespondFn): Promise<void> {
  const ephemeral = (m: ReturnType<typeof problemMessage>) => respond({ response_type: 'ephemeral', replace_original: false, ...m });
  const pending = await ctx.approvals.get(id);
  if (!pending) return void await ephemeral(problemMessage(`this approval request is no longer open (it was decided or expired more than ${RETAIN_MS / 60_000} minutes ago)`, 'the requester can ask again with a fresh preview'));
  const op = pending.op;
  const decider = slackPerson(body.user);
  const channel = body.channel?.id ?? null;
  if (!(await ctx.access.require({ action: op.action, environment: op.environment, user: decider, channel, target: op.target, respond, approving: { requester: op.requester, approvalId: id } }))) return;
  const d = await ctx.approvals.decide(id, kind, decider);
  if (d.kind === 'unknown') return;
  // The bot that recorded the expiry (this one, or a sweep) audited it and updated the request.
  if (d.kind === 'expired') return void await ephemeral(problemMessage('this approval request has expired; nothing ran', 'the requester can ask again with a fresh preview'));
  if (d.kind === 'already') return void await ephemeral(problemMessage(`this request was already ${d.approval.decided?.kind ?? 'decided'}${d.approval.decided?.by ? ` by ${d.approval.decided.by.name}` : ''}`, 'nothing more to do'));
  await ctx.access.audit.record({ event: kind, environment: op.environment, action: op.action, user: decider, channel, target: op.target, requestId: op.request.requestId, approvalId: id, detail: `requested by ${op.requester.name} (${op.requester.id})` });
  if (kind === 'denied') {
    await showDecision(ctx, d.approval, { kind: 'denied', by: decider.id });
    return;
  }
  await approve(ctx, d.approval, decider.id, ephemeral);
}

async function approve(ctx: BotContext, approval: Approval, by: string, ephemeral: (m: { text: string }) => Promise<unknown>): Promise<void> {
  const { op } = approval;
  // The preview was confirmed minutes ago: what it showed must still be what runs.
  const why = op.shownFromSha === undefined ? null : changedSince(op.environment, op.shownFromSha, await ctx.useCases.currentSha(op.environment));
  if (why) {
    await ctx.access.audit.record({ event: 'denied', environment: op.environment, action: `approve ${op.action}`, user: approval.decided?.by ?? op.requester, channel: approval.message?.channel ?? null, target: op.target, requestId: op.request.requestId, approvalId: approval.id, detail: `approved, but the plan no longer holds: ${why}` });
    await showDecision(ctx, approval, { kind: 'stale', by, why });
    return void await ephemeral(problemMessage(`nothing ran: ${why}`, 'the requester can ask again with a fresh preview'));
  }
  const submitted = await submitHeld(ctx, approval.op, approval.decided?.by ?? null);
  await showDecision(ctx, approval, { kind: 'approved', by, operationId: submitted.operationId });
  await ephemeral(submittedMessage(`Approved: ${approval.op.title}`, approval.op.environment, submitted, ctx.useCases.channelOf(approval.op.environment)));
}
