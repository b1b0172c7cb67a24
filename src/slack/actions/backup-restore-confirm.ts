/**
 * The danger-styled Restore button of `/backups restore NAME` (after Slack's confirmation
 * dialog): refuses a preview that no longer holds with a Fresh preview button; otherwise submits
 * the restore (a safety backup is taken first, under the environment lock), once per preview.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackUser } from '../bot-context.js';
import { decodeRestoreConfirm, restoreRequestId } from '../backups-request.js';
import { RESTORE_CONFIRM_ACTION } from '../messages/backups-message.js';
import { code } from '../messages/mrkdwn.js';
import { refusalTo, replyTo } from '../reply.js';
import { submitConfirmedPreview } from '../submit-and-follow.js';
import type { Listeners } from '../listener-routes.js';

export function registerBackupRestoreConfirm(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(RESTORE_CONFIRM_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const reply = replyTo(body, respond, client, ctx.log, 'Restore');
    try {
      const p = decodeRestoreConfirm(action.value);
      await submitConfirmedPreview(ctx, p, { kind: 'restore', environment: p.environment, backup: p.backup }, {
        requestId: restoreRequestId(p), environment: p.environment, requestedBy: slackUser(body.user), source: 'slack',
        operation: { kind: 'backup_restore', backup: p.backup },
      }, `Restore of ${p.backup}`, reply, { action: 'restore', user: body.user, channel: body.channel?.id ?? null, target: p.backup, refuse: refusalTo(body, respond, reply), held: `restore ${code(p.backup)}` });
    } catch (error) {
      ctx.log.warn({ err: error }, 'restore confirm failed');
      await reply(problemOf(error));
    }
  });
}
