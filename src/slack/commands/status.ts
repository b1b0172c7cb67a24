/** `/status [ENV]`: release, health, lock holder, last operation and newest backup — of every environment when none is named. */
import type { BotContext } from '../bot-context.js';
import { problemOf } from '../bot-context.js';
import { pickEnvironment } from '../deploy-request.js';
import { statusMessage } from '../messages/status-message.js';
import type { Listeners } from '../listener-routes.js';

export function registerStatusCommand(app: Listeners, ctx: BotContext): void {
  app.command('/status', async ({ command, ack, respond }) => {
    await ack();
    try {
      const named = command.text.trim();
      const all = ctx.useCases.environments();
      const environments = named ? [pickEnvironment(named, all, '/status ENV')] : all.slice(0, 10);
      const statuses = await Promise.all(environments.map((e) => ctx.useCases.status(e)));
      await respond({ response_type: 'ephemeral', ...statusMessage(statuses, ctx.now()) });
    } catch (error) {
      ctx.log.info({ err: error }, '/status refused');
      await respond({ response_type: 'ephemeral', ...problemOf(error) });
    }
  });
}
