/**
 * The danger-styled Roll back button (after Slack's confirmation dialog), in the `/rollback quick`
 * answer or in the modal: refuses a preview that no longer holds with a Fresh preview button;
 * otherwise submits the rollback carrying the plan that was confirmed (the executor refuses it
 * again if the environment changed while it waited in the queue), once per preview.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackUser } from '../bot-context.js';
import { ROLLBACK_CONFIRM_ACTION } from '../messages/rollback-preview.js';
import { code } from '../messages/mrkdwn.js';
import { refusalTo, replyTo } from '../reply.js';
import { shortSha } from '../../domain/ref.js';
import { decodeRollbackConfirm, rollbackRequestId } from '../rollback-request.js';
import { submitConfirmedPreview } from '../submit-and-follow.js';
import type { Listeners } from '../listener-routes.js';

export function registerRollbackConfirm(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(ROLLBACK_CONFIRM_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const reply = replyTo(body, respond, client, ctx.log, 'Rollback');
    try {
      const p = decodeRollbackConfirm(action.value);
      const confirmed = { fromSha: p.fromSha, toSha: p.toSha, backup: p.backup };
      await submitConfirmedPreview(ctx, p, { kind: 'rollback', environment: p.environment, choice: p.choice }, {
        requestId: rollbackRequestId(p), environment: p.environment, requestedBy: slackUser(body.user), source: 'slack',
        operation: { kind: 'rollback', rollback: { ...p.choice, confirmed } },
      }, `Rollback ${p.choice.kind}`, reply, {
        action: 'rollback', user: body.user, channel: body.channel?.id ?? null, refuse: refusalTo(body, respond, reply),
        target: `${p.choice.kind} to ${shortSha(p.toSha)}${p.backup ? ` with ${p.backup}` : ''}`,
        held: `roll back (${p.choice.kind}) to ${code(shortSha(p.toSha))}${p.backup ? ` with the database from ${code(p.backup)}` : ''}`,
      });
    } catch (error) {
      ctx.log.warn({ err: error }, 'rollback confirm failed');
      await reply(problemOf(error));
    }
  });
}
