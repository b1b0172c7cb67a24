/** The Fresh preview button of a preview that could no longer be confirmed: the same question, asked now. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackUser } from '../bot-context.js';
import { PREVIEW_REFRESH_ACTION } from '../messages/confirm-outcome.js';
import { decodePreviewAsk } from '../preview-ask.js';
import { previewOf } from '../previews.js';
import { replyTo } from '../reply.js';
import type { Listeners } from '../listener-routes.js';

export function registerPreviewRefresh(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(PREVIEW_REFRESH_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const reply = replyTo(body, respond, client, ctx.log, 'Fresh preview');
    try {
      await reply(await previewOf(ctx, decodePreviewAsk(action.value), slackUser(body.user)));
    } catch (error) {
      ctx.log.info({ err: error }, 'fresh preview refused');
      await reply(problemOf(error));
    }
  });
}
