/** The Cancel button of a preview: nothing was submitted; the preview is replaced by a line saying so. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { DEPLOY_CANCEL_ACTION } from '../messages/deploy-preview.js';

export function registerDeployCancel(app: App, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(DEPLOY_CANCEL_ACTION, async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: 'Cancelled: nothing was deployed.' }).catch((err: unknown) => ctx.log.warn({ err }, 'could not replace the preview'));
  });
}
