/** `/deploy REF [ENV]`: an ephemeral preview with Deploy and Cancel (to those allowed to deploy there); `/deploy [ENV]` alone lists the newest release tags. */
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson, slackUser } from '../bot-context.js';
import { parseDeployText } from '../deploy-request.js';
import { releasesMessage } from '../messages/deploy-preview.js';
import { deployPreview } from '../previews.js';
import type { Listeners } from '../listener-routes.js';

export function registerDeployCommand(app: Listeners, ctx: BotContext): void {
  app.command('/deploy', async ({ command, ack, respond }) => {
    await ack();
    try {
      const { ref, environment } = parseDeployText(command.text, ctx.useCases.environments());
      if (ref === null) {
        const { releases, current } = await ctx.useCases.recentReleases(environment, 10);
        await respond({ response_type: 'ephemeral', ...releasesMessage(environment, releases, current, ctx.now()) });
        return;
      }
      const user = { id: command.user_id, user_name: command.user_name };
      if (!(await ctx.access.require({ action: 'deploy', environment, user: slackPerson(user), channel: command.channel_id, target: ref, respond }))) return;
      await respond({ response_type: 'ephemeral', ...(await deployPreview(ctx, environment, ref, slackUser(user))) });
    } catch (error) {
      ctx.log.info({ err: error }, '/deploy refused');
      await respond({ response_type: 'ephemeral', ...problemOf(error) });
    }
  });
}
