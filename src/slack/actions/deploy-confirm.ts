/**
 * The Deploy button of a preview (after Slack's confirmation dialog): refuses a preview that no
 * longer holds (too old, or the environment moved since — compared with the SHA now) with a Fresh
 * preview button; otherwise checks the clicker may deploy there and runs it or holds it for
 * approval (submit-and-follow.ts). The request ID is derived from the preview, so a double click,
 * a second person confirming the same preview, or two approvals are one operation.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackUser } from '../bot-context.js';
import { decodeConfirm, deployRequestId } from '../deploy-request.js';
import { DEPLOY_CONFIRM_ACTION } from '../messages/deploy-preview.js';
import { code } from '../messages/mrkdwn.js';
import { refusalTo, replyTo } from '../reply.js';
import { submitConfirmedPreview } from '../submit-and-follow.js';
import type { Listeners } from '../listener-routes.js';

export function registerDeployConfirm(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(DEPLOY_CONFIRM_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const reply = replyTo(body, respond, client, ctx.log, 'Deploy');
    try {
      const p = decodeConfirm(action.value);
      await submitConfirmedPreview(ctx, p, { kind: 'deploy', environment: p.environment, ref: p.ref }, {
        requestId: deployRequestId(p), environment: p.environment, requestedBy: slackUser(body.user), source: 'slack', operation: { kind: 'deploy', ref: p.ref },
      }, `Deploy ${p.ref}`, reply, { action: 'deploy', user: body.user, channel: body.channel?.id ?? null, target: p.ref, refuse: refusalTo(body, respond, reply), held: `deploy ${code(p.ref)}` });
    } catch (error) {
      ctx.log.warn({ err: error }, 'deploy confirm failed');
      await reply(problemOf(error));
    }
  });
}
