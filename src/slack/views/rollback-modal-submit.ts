/**
 * The `/rollback` modal's Preview: answers missing picks beside their inputs; otherwise turns the
 * modal into a working screen at once (a submission must be acknowledged within 3 s), works out
 * the plan, and shows it with the danger-styled Roll back button (actions/rollback-confirm.ts).
 */
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson, slackUser } from '../bot-context.js';
import type { SlackMessage } from '../messages/blocks.js';
import { decodeModalMetadata, readModalAnswers, ROLLBACK_MODAL_CALLBACK } from '../messages/rollback-modal.js';
import { rollbackPreviewModal } from '../messages/rollback-preview.js';
import { modal, problemModal, workingModal } from '../messages/views.js';
import { rollbackPreview } from '../previews.js';
import { asView, updateView } from '../reply.js';
import { choiceFromModal } from '../rollback-request.js';
import type { Listeners } from '../listener-routes.js';

export function registerRollbackModalSubmit(app: Listeners, ctx: BotContext): void {
  app.view(ROLLBACK_MODAL_CALLBACK, async ({ ack, body, view, client }) => {
    const picked = choiceFromModal(readModalAnswers(view.state.values));
    if ('errors' in picked) {
      await ack({ response_action: 'errors', errors: picked.errors });
      return;
    }
    const { environment } = decodeModalMetadata(view.private_metadata);
    const title = `Roll back ${environment}`;
    await ack({ response_action: 'update', view: asView(workingModal(title, `Working out the plan for ${environment}`, view.private_metadata)) });
    try {
      if (!ctx.useCases.environments().includes(environment)) throw new Error(`the form names no known environment ("${environment}")`);
      const refuse = async (m: SlackMessage) => updateView(client, view.id, modal({ title, close: 'Close', blocks: m.blocks ?? [] }));
      if (!(await ctx.access.require({ action: 'rollback', environment, user: slackPerson(body.user), channel: null, target: picked.choice.kind, respond: refuse }))) return;
      const preview = await rollbackPreview(ctx, environment, picked.choice, slackUser(body.user));
      await updateView(client, view.id, rollbackPreviewModal(preview, view.private_metadata));
    } catch (error) {
      ctx.log.info({ err: error }, 'rollback modal preview refused');
      const p = problemOf(error);
      await updateView(client, view.id, problemModal(title, p.text, 'close this and run `/rollback` again with another choice')).catch((err: unknown) => ctx.log.warn({ err }, 'could not update the modal'));
    }
  });
}
