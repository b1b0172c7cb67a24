/** Cancel on a rollback or restore preview: nothing was submitted; the preview (message or modal) says so. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { section } from '../messages/blocks.js';
import { PREVIEW_CANCEL_ACTION } from '../messages/rollback-preview.js';
import { replyTo } from '../reply.js';
import type { Listeners } from '../listener-routes.js';

export function registerPreviewCancel(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(PREVIEW_CANCEL_ACTION, async ({ ack, body, respond, client }) => {
    await ack();
    const text = 'Cancelled: nothing was changed.';
    await replyTo(body, respond, client, ctx.log, 'Cancelled')({ text, blocks: [section(text)] });
  });
}
