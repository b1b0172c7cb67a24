/**
 * "Back up now" on the Home tab: the same backup use case as `/backups create` (permission,
 * audit, one operation per click from its trigger_id), followed in the environment's channel; the
 * Home tab is published again so it shows the operation. The Home tab has no ephemeral answers, so
 * a refusal opens a small modal only the person who clicked sees.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { submitBackupTask } from '../backup-task.js';
import { refreshHome } from '../home.js';
import { HOME_BACKUP_ACTION } from '../messages/home-view.js';
import { modal } from '../messages/views.js';
import { openView } from '../reply.js';
import type { Listeners } from '../listener-routes.js';

export function registerHomeBackup(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${HOME_BACKUP_ACTION}:`), async ({ ack, body, action, client }) => {
    await ack();
    const environment = action.value ?? '';
    if (!ctx.useCases.environments().includes(environment)) return;
    try {
      await submitBackupTask(ctx, {
        environment, backup: { kind: 'create' }, user: body.user, channel: null, interactionId: body.trigger_id,
        refuse: (m) => openView(client, body.trigger_id, modal({ title: 'Back up now', close: 'Close', blocks: m.blocks ?? [] })),
        reply: async () => undefined,
      });
      await refreshHome(ctx, client, body.user.id);
    } catch (err) {
      ctx.log.warn({ err }, 'backup from the Home tab failed');
    }
  });
}
