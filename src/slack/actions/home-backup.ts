/**
 * "Back up now" on the Home tab: a manual backup through the queue (one per click: the request ID
 * comes from the click's trigger_id), followed in the environment's channel; the Home tab is
 * published again so it shows the operation.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { slackUser } from '../bot-context.js';
import { backupTaskRequestId } from '../backups-request.js';
import { refreshHome } from '../home.js';
import { HOME_BACKUP_ACTION } from '../messages/home-view.js';
import { submitTask } from '../submit-and-follow.js';

export function registerHomeBackup(app: App, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${HOME_BACKUP_ACTION}:`), async ({ ack, body, action, client }) => {
    await ack();
    const environment = action.value ?? '';
    if (!ctx.useCases.environments().includes(environment)) return;
    try {
      await submitTask(ctx, {
        requestId: backupTaskRequestId('create', environment, body.trigger_id), environment, requestedBy: slackUser(body.user), source: 'slack',
        operation: { kind: 'backup_create', backupKind: 'manual' },
      }, 'Backup', async () => undefined);
      await refreshHome(ctx, client, body.user.id);
    } catch (err) {
      ctx.log.warn({ err }, 'backup from the Home tab failed');
    }
  });
}
