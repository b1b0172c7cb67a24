/** "Roll back…" on the Home tab: the same modal as `/rollback ENV`, for the environment of the button. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { HOME_ROLLBACK_ACTION } from '../messages/home-view.js';
import { openRollbackModal } from '../rollback-modal-flow.js';
import type { Listeners } from '../listener-routes.js';

export function registerHomeRollback(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${HOME_ROLLBACK_ACTION}:`), async ({ ack, body, action, client }) => {
    await ack();
    const environment = action.value ?? '';
    if (!ctx.useCases.environments().includes(environment)) return;
    await openRollbackModal(ctx, client, body.trigger_id, environment, null).catch((err: unknown) => ctx.log.warn({ err }, 'could not open the rollback modal from Home'));
  });
}
