/** Refresh on the Home tab: read every environment again and publish. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { refreshHome } from '../home.js';
import { HOME_REFRESH_ACTION } from '../messages/home-view.js';
import type { Listeners } from '../listener-routes.js';

export function registerHomeRefresh(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(HOME_REFRESH_ACTION, async ({ ack, body, client }) => {
    await ack();
    await refreshHome(ctx, client, body.user.id).catch((err: unknown) => ctx.log.warn({ err }, 'could not refresh the Home tab'));
  });
}
