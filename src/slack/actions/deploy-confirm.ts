/**
 * The Deploy button of a preview (after Slack's confirmation dialog): submits the deploy with a
 * request ID derived from the preview, so a double click or a second person confirming the same
 * preview is one operation; replaces the preview with where to follow it; starts the live message.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackUser } from '../bot-context.js';
import { decodeConfirm, deployRequestId, staleProblem } from '../deploy-request.js';
import { section } from '../messages/blocks.js';
import { DEPLOY_CONFIRM_ACTION, problemMessage } from '../messages/deploy-preview.js';
import { code, escapeText } from '../messages/mrkdwn.js';

export function registerDeployConfirm(app: App, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(DEPLOY_CONFIRM_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    try {
      const p = decodeConfirm(action.value);
      const stale = staleProblem(p, ctx.now().getTime());
      if (stale) {
        await respond({ replace_original: true, ...problemMessage(stale, `ask for a fresh preview: \`/deploy ${p.ref} ${p.environment}\``) });
        return;
      }
      const requestedBy = slackUser(body.user);
      const submitted = await ctx.useCases.submit({ requestId: deployRequestId(p), environment: p.environment, requestedBy, source: 'slack', operation: { kind: 'deploy', ref: p.ref } });
      const channel = ctx.useCases.channelOf(p.environment);
      if (submitted.duplicate) return; // the first click already answered and follows it
      const queued = submitted.position > 0 ? `queued behind ${submitted.position} operation${submitted.position === 1 ? '' : 's'}` : 'starting';
      const text = `Deploy ${code(p.ref)} to *${escapeText(p.environment)}* ${queued} — operation ${code(submitted.operationId)}; follow it in ${escapeText(channel)}`;
      await respond({ replace_original: true, text: text.replace(/[*`]/g, ''), blocks: [section(text)] });
      void ctx.progress.track({ operationId: submitted.operationId, environment: p.environment, channel, title: `deploy ${p.ref}`, requestedBy: `${requestedBy} via slack` });
    } catch (error) {
      ctx.log.warn({ err: error }, 'deploy confirm failed');
      await respond({ replace_original: false, ...problemOf(error) });
    }
  });
}
