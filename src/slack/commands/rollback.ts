/**
 * `/rollback [ENV]` opens the modal; `/rollback quick|commit REF|backup NAME|full REF [NAME] [ENV]`
 * answers with the preview and a danger-styled Roll back button; `/rollback status [ENV]` the
 * environment's state; `help` or anything else the usage text.
 */
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson, slackUser } from '../bot-context.js';
import { rollbackPreviewMessage } from '../messages/rollback-preview.js';
import { statusMessage } from '../messages/status-message.js';
import { rollbackUsage } from '../messages/usage.js';
import { rollbackPreview } from '../previews.js';
import { openRollbackModal } from '../rollback-modal-flow.js';
import { parseRollbackText } from '../rollback-request.js';
import type { Listeners } from '../listener-routes.js';

export function registerRollbackCommand(app: Listeners, ctx: BotContext): void {
  app.command('/rollback', async ({ command, ack, respond, client }) => {
    await ack();
    try {
      const environments = ctx.useCases.environments();
      const c = parseRollbackText(command.text, environments);
      switch (c.action) {
        case 'help':
          await respond({ response_type: 'ephemeral', ...rollbackUsage(c.problem, environments) });
          return;
        case 'status': {
          const statuses = await Promise.all((c.environment ? [c.environment] : environments.slice(0, 10)).map((e) => ctx.useCases.status(e)));
          await respond({ response_type: 'ephemeral', ...statusMessage(statuses, ctx.now()) });
          return;
        }
        case 'modal':
          await openRollbackModal(ctx, client, command.trigger_id, c.environment, command.channel_id);
          return;
        case 'preview': {
          const user = { id: command.user_id, user_name: command.user_name };
          if (!(await ctx.access.require({ action: 'rollback', environment: c.environment, user: slackPerson(user), channel: command.channel_id, target: c.choice.kind, respond }))) return;
          const requestedBy = slackUser(user);
          await respond({ response_type: 'ephemeral', ...rollbackPreviewMessage(await rollbackPreview(ctx, c.environment, c.choice, requestedBy)) });
        }
      }
    } catch (error) {
      ctx.log.info({ err: error }, '/rollback refused');
      await respond({ response_type: 'ephemeral', ...problemOf(error) });
    }
  });
}
