/** "Deploy…" on the Home tab: a modal to pick the release, then the same preview and confirm as `/deploy REF`. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { openDeployModal } from '../deploy-modal-flow.js';
import { HOME_DEPLOY_ACTION } from '../messages/home-view.js';
import type { Listeners } from '../listener-routes.js';

export function registerHomeDeploy(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${HOME_DEPLOY_ACTION}:`), async ({ ack, body, action, client }) => {
    await ack();
    const environment = action.value ?? '';
    if (!ctx.useCases.environments().includes(environment)) return;
    await openDeployModal(ctx, client, body.trigger_id, environment).catch((err: unknown) => ctx.log.warn({ err }, 'could not open the deploy modal from Home'));
  });
}
