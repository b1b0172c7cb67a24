/** `app_home_opened` on the Home tab: publish that person's view of every environment (a re-delivered event publishes it again, harmlessly). */
import type { BotContext } from '../bot-context.js';
import { refreshHome } from '../home.js';
import type { Listeners } from '../listener-routes.js';

export function registerAppHomeOpened(app: Listeners, ctx: BotContext): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await refreshHome(ctx, client, event.user).catch((err: unknown) => ctx.log.error({ err }, 'could not publish the Home tab'));
  });
}
