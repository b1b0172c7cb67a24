/**
 * `/backups list|create|verify NAME|restore NAME [ENV]`: list answers at once; create and verify
 * go through the queue (one live message each in the environment's channel); restore answers
 * with a preview behind a danger-styled Restore button (to those allowed to restore there). `help` or anything else: the usage text.
 */
import type { App } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson, slackUser } from '../bot-context.js';
import { backupTaskRequestId, parseBackupsText } from '../backups-request.js';
import { backupsListMessage } from '../messages/backups-message.js';
import { backupsUsage } from '../messages/usage.js';
import { restorePreview } from '../previews.js';
import { submitTask } from '../submit-and-follow.js';
import { findBackup } from '../use-cases.js';

export function registerBackupsCommand(app: App, ctx: BotContext): void {
  app.command('/backups', async ({ command, ack, respond }) => {
    await ack();
    const reply = async (m: object) => { await respond({ response_type: 'ephemeral', ...m }); };
    try {
      const environments = ctx.useCases.environments();
      const c = parseBackupsText(command.text, environments);
      const user = { id: command.user_id, user_name: command.user_name };
      const requestedBy = slackUser(user);
      switch (c.action) {
        case 'help': return await reply(backupsUsage(c.problem, environments));
        case 'list': return await reply(backupsListMessage(c.environment, await ctx.useCases.backups(c.environment), ctx.now()));
        case 'restore':
          if (!(await ctx.access.require({ action: 'restore', environment: c.environment, user: slackPerson(user), channel: command.channel_id, target: c.backup, respond }))) return;
          return await reply(await restorePreview(ctx, c.environment, c.backup, requestedBy));
        case 'create':
          await submitTask(ctx, {
            requestId: backupTaskRequestId('create', c.environment, command.trigger_id), environment: c.environment, requestedBy, source: 'slack',
            operation: { kind: 'backup_create', backupKind: 'manual' },
          }, 'Backup', reply);
          return;
        case 'verify':
          findBackup(c.environment, await ctx.useCases.backups(c.environment), c.backup);
          await submitTask(ctx, {
            requestId: backupTaskRequestId('verify', c.environment, command.trigger_id, c.backup), environment: c.environment, requestedBy, source: 'slack',
            operation: { kind: 'backup_verify', backup: c.backup, deep: false },
          }, `Verify ${c.backup}`, reply);
      }
    } catch (error) {
      ctx.log.info({ err: error }, '/backups refused');
      await reply(problemOf(error));
    }
  });
}
