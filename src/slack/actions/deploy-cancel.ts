/** The Cancel button of a preview: nothing was submitted; the preview (a message, or the modal) is replaced by a line saying so. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { DEPLOY_CANCEL_ACTION } from '../messages/deploy-preview.js';
import { section } from '../messages/blocks.js';
import { replyTo } from '../reply.js';
import type { Listeners } from '../listener-routes.js';

export function registerDeployCancel(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(DEPLOY_CANCEL_ACTION, async ({ ack, body, respond, client }) => {
    await ack();
    const text = 'Cancelled: nothing was deployed.';
    await replyTo(body, respond, client, ctx.log, 'Deploy')({ text, blocks: [section(text)] });
  });
}
