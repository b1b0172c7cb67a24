/**
 * The Home tab's Deploy…: views.open right away with a working screen (a trigger_id is valid for
 * 3 s and once; fetching the release tags may take longer), then views.update with the form — or
 * with what went wrong. The form's Preview (views/deploy-modal-submit.ts) shows the same preview
 * as `/deploy REF`, with the same Deploy button, inside the modal.
 */
import type { webApi } from '@slack/bolt';
import { problemOf, type BotContext } from './bot-context.js';
import { deployModal } from './messages/deploy-modal.js';
import { problemModal, workingModal } from './messages/views.js';
import { openView, updateView } from './reply.js';

export async function openDeployModal(ctx: BotContext, client: webApi.WebClient, triggerId: string, environment: string): Promise<void> {
  const viewId = await openView(client, triggerId, workingModal(`Deploy ${environment}`, `Fetching the releases of ${environment}`));
  try {
    const { releases, current } = await ctx.useCases.recentReleases(environment, 25);
    await updateView(client, viewId, deployModal({ environment, releases, current, now: ctx.now() }));
  } catch (error) {
    ctx.log.info({ err: error }, 'deploy modal refused');
    await updateView(client, viewId, problemModal(`Deploy ${environment}`, problemOf(error).text, 'fix that, then try again, or use `/deploy REF`'));
  }
}
