/**
 * What people see when Ripcord refuses or holds an action, pure: the polite refusal (ephemeral,
 * naming who can do it), the approval request posted in the deploy channel with Approve/Deny,
 * and that request once decided or expired. Names come from Slack IDs as `<@U…>` mentions.
 */
import type { SlackAction } from '../../config/schema.js';
import { actions, button, context, section, type SlackMessage } from './blocks.js';
import { code, escapeText } from './mrkdwn.js';

export const APPROVAL_APPROVE_ACTION = 'approval_approve';
export const APPROVAL_DENY_ACTION = 'approval_deny';

export type RefusalReason = 'not_permitted' | 'own_request' | 'not_permitted_to_approve';

export interface Refusal { reason: RefusalReason; action: SlackAction; environment: string; allowed: string }

/** "you are not allowed to ___ production". */
const DOING: Record<SlackAction, string> = { deploy: 'deploy', rollback: 'rollback', restore: 'restore', backup: 'back up', incident: 'act on incidents of' };

/** Ephemeral, to the person refused. `allowed` is describePrincipals(...) of who may. */
export function refusalMessage(r: Refusal): SlackMessage {
  const env = `*${escapeText(r.environment)}*`;
  const [line, fix] = r.reason === 'own_request'
    ? [`Sorry — you cannot approve your own ${r.action} of ${env}.`, `A second person must approve it: ${r.allowed}, other than you.`]
    : r.reason === 'not_permitted_to_approve'
      ? [`Sorry — you are not allowed to approve a ${r.action} of ${env}.`, `It can be approved by ${r.allowed}.`]
      : [`Sorry — you are not allowed to ${DOING[r.action]} ${env}.`, `It can be done by ${r.allowed}; ask one of them, or ask an admin to add you to permissions.${r.action} of ${escapeText(r.environment)} in ripcord.yml.`];
  return { text: `${line} ${fix}`.replace(/[*]/g, ''), blocks: [section(`:no_entry: ${line}`), context(fix)] };
}

export interface ApprovalView {
  id: string;
  action: SlackAction;
  environment: string;
  /** What will run, in words: "deploy `v1.2.0`". */
  what: string;
  requesterId: string;
  expiresAt: number;
  approvers: string;
}

/** Posted in the deploy channel: the request and its two buttons; the value is the approval ID only. */
export function approvalRequestMessage(a: ApprovalView, now: number): SlackMessage {
  const minutes = Math.max(1, Math.round((a.expiresAt - now) / 60_000));
  const line = `:raised_hand: <@${a.requesterId}> asks to ${a.what} on *${escapeText(a.environment)}*. It needs a second person's approval before anything runs.`;
  return {
    text: `Approval needed: ${a.what.replace(/`/g, '')} on ${a.environment}`,
    blocks: [
      section(line),
      context(`Can approve: ${a.approvers} (not the requester) · expires <!date^${Math.floor(a.expiresAt / 1000)}^{time}|in ${minutes} minutes> · approval ${code(a.id)}`),
      actions(`approval:${a.id}`, [
        button({ actionId: APPROVAL_APPROVE_ACTION, text: 'Approve', value: a.id, style: 'primary', confirm: { title: 'Approve and run it?', text: `This will ${a.what} on ${escapeText(a.environment)} now.`, confirm: 'Approve', deny: 'Not yet' } }),
        button({ actionId: APPROVAL_DENY_ACTION, text: 'Deny', value: a.id, style: 'danger' }),
      ]),
    ],
  };
}

export type ApprovalOutcome =
  | { kind: 'approved'; by: string; operationId: string }
  | { kind: 'denied'; by: string }
  | { kind: 'expired' }
  /** Approved, but the environment changed while the request waited: nothing ran. */
  | { kind: 'stale'; by: string; why: string };

/** The approval request after the decision: the buttons are gone, the outcome stays in the channel. */
export function approvalDecidedMessage(a: ApprovalView, outcome: ApprovalOutcome): SlackMessage {
  const asked = `<@${a.requesterId}> asked to ${a.what} on *${escapeText(a.environment)}*`;
  const line = outcome.kind === 'approved'
    ? `:white_check_mark: ${asked} — approved by <@${outcome.by}>; operation ${code(outcome.operationId)}.`
    : outcome.kind === 'denied'
      ? `:no_entry_sign: ${asked} — denied by <@${outcome.by}>. Nothing ran.`
      : outcome.kind === 'stale'
        ? `:warning: ${asked} — approved by <@${outcome.by}>, but ${escapeText(outcome.why)}. Nothing ran; ask again with a fresh preview.`
        : `:hourglass: ${asked} — the approval expired. Nothing ran; ask again if it is still wanted.`;
  return { text: line.replace(/[*`]|<@|>/g, ''), blocks: [section(line)] };
}

/** To the requester, replacing their preview: where the request waits. */
export function waitingForApprovalMessage(a: ApprovalView, channel: string): SlackMessage {
  const line = `:hourglass_flowing_sand: Your request to ${a.what} on *${escapeText(a.environment)}* waits for approval in ${escapeText(channel)}. Nothing runs until ${a.approvers} (not you) approves it.`;
  return { text: line.replace(/[*`]/g, ''), blocks: [section(line)] };
}
