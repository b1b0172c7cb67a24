/**
 * `/backups list|create|verify NAME|restore NAME [ENV]`: list answers at once; create and verify
 * (for those allowed to back up there) go through the queue (one live message each in the
 * environment's channel); restore answers with a preview behind a danger-styled Restore button (to
 * those allowed to restore there). `help` or anything else: the usage text.
 */
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson, slackUser } from '../bot-context.js';
import { parseBackupsText } from '../backups-request.js';
import { submitBackupTask } from '../backup-task.js';
import { backupsListMessage } from '../messages/backups-message.js';
import { backupsUsage } from '../messages/usage.js';
import { restorePreview } from '../previews.js';
import { findBackup } from '../../operations/host-reads.js';
import type { Listeners } from '../listener-routes.js';

export function registerBackupsCommand(app: Listeners, ctx: BotContext): void {
  app.command('/backups', async ({ command, ack, respond }) => {
    await ack();
    const reply = async (m: object) => { await respond({ response_type: 'ephemeral', ...m }); };
    try {
      const environments = ctx.useCases.environments();
      const c = parseBackupsText(command.text, environments);
      const user = { id: command.user_id, user_name: command.user_name };
      const requestedBy = slackUser(user);
      const asker = { user, channel: command.channel_id, interactionId: command.trigger_id, refuse: respond, reply };
      switch (c.action) {
        case 'help': return await reply(backupsUsage(c.problem, environments));
        case 'list': return await reply(backupsListMessage(c.environment, await ctx.useCases.backups(c.environment), ctx.now()));
        case 'restore':
          if (!(await ctx.access.require({ action: 'restore', environment: c.environment, user: slackPerson(user), channel: command.channel_id, target: c.backup, respond }))) return;
          return await reply(await restorePreview(ctx, c.environment, c.backup, requestedBy));
        case 'create':
          return await submitBackupTask(ctx, { environment: c.environment, backup: { kind: 'create' }, ...asker });
        case 'verify':
          findBackup(c.environment, await ctx.useCases.backups(c.environment), c.backup);
          return await submitBackupTask(ctx, { environment: c.environment, backup: { kind: 'verify', name: c.backup }, ...asker });
      }
    } catch (error) {
      ctx.log.info({ err: error }, '/backups refused');
      await reply(problemOf(error));
    }
  });
}
