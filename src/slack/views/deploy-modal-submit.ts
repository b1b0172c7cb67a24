/**
 * The Deploy modal's Preview: a missing or malformed ref is answered beside the input; otherwise
 * the modal turns into a working screen at once (a submission must be acknowledged within 3 s),
 * the permission is checked, and the deploy preview — the one `/deploy REF` answers — replaces
 * it, with its Deploy button (actions/deploy-confirm.ts answers inside the modal).
 */
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson, slackUser } from '../bot-context.js';
import type { SlackMessage } from '../messages/blocks.js';
import { DEPLOY_MODAL_CALLBACK, deployModalEnvironment, readDeployModal } from '../messages/deploy-modal.js';
import { modal, problemModal, workingModal } from '../messages/views.js';
import { deployPreview } from '../previews.js';
import { asView, updateView } from '../reply.js';
import type { Listeners } from '../listener-routes.js';

export function registerDeployModalSubmit(app: Listeners, ctx: BotContext): void {
  app.view(DEPLOY_MODAL_CALLBACK, async ({ ack, body, view, client }) => {
    const picked = readDeployModal(view.state.values);
    if ('errors' in picked) {
      await ack({ response_action: 'errors', errors: picked.errors });
      return;
    }
    const environment = deployModalEnvironment(view.private_metadata);
    const title = `Deploy ${environment}`;
    await ack({ response_action: 'update', view: asView(workingModal(title, `Working out the plan for ${picked.ref}`)) });
    const show = (m: SlackMessage) => updateView(client, view.id, modal({ title, close: 'Close', blocks: m.blocks ?? [] }));
    try {
      if (!ctx.useCases.environments().includes(environment)) throw new Error(`the form names no known environment ("${environment}")`);
      if (!(await ctx.access.require({ action: 'deploy', environment, user: slackPerson(body.user), channel: null, target: picked.ref, respond: show }))) return;
      await show(await deployPreview(ctx, environment, picked.ref, slackUser(body.user)));
    } catch (error) {
      ctx.log.info({ err: error }, 'deploy modal preview refused');
      const p = problemOf(error);
      await updateView(client, view.id, problemModal(title, p.text, 'close this and try another ref')).catch((err: unknown) => ctx.log.warn({ err }, 'could not update the modal'));
    }
  });
}
