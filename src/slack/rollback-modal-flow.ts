/**
 * Opening the `/rollback` modal: views.open right away with a working screen (a trigger_id is
 * valid for 3 s and once; reading releases and backups may take longer on a busy host), then
 * views.update with the form — or with what went wrong and what would work.
 */
import type { webApi } from '@slack/bolt';
import { problemOf, type BotContext } from './bot-context.js';
import { encodeModalMetadata, rollbackModal } from './messages/rollback-modal.js';
import { problemModal, workingModal } from './messages/views.js';
import { openView, updateView } from './reply.js';

export async function openRollbackModal(ctx: BotContext, client: webApi.WebClient, triggerId: string, environment: string, channelId: string | null): Promise<void> {
  const privateMetadata = encodeModalMetadata({ environment, channelId });
  const viewId = await openView(client, triggerId, workingModal(`Roll back ${environment}`, `Reading the releases and backups of ${environment}`, privateMetadata));
  try {
    const c = await ctx.useCases.rollbackChoices(environment);
    await updateView(client, viewId, rollbackModal({ environment, current: c.current, releases: c.releases, backups: c.backups, now: ctx.now(), privateMetadata }));
  } catch (error) {
    ctx.log.info({ err: error }, 'rollback modal refused');
    const p = problemOf(error);
    await updateView(client, viewId, problemModal(`Roll back ${environment}`, p.text, 'fix that, then try `/rollback` again'));
  }
}
