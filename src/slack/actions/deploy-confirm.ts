/**
 * The Deploy button of a preview (after Slack's confirmation dialog): checks the clicker may
 * deploy there, then runs it or holds it for approval (operation-gate.ts). The request ID is
 * derived from the preview, so a double click, a second person confirming the same preview, or
 * two approvals are one operation. The preview is replaced by where to follow it.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson, slackUser } from '../bot-context.js';
import { decodeConfirm, deployRequestId, staleProblem } from '../deploy-request.js';
import { DEPLOY_CONFIRM_ACTION, problemMessage } from '../messages/deploy-preview.js';
import { submittedMessage } from '../messages/submitted-message.js';
import { code } from '../messages/mrkdwn.js';
import { runOrHold } from '../operation-gate.js';

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
      const requester = slackPerson(body.user);
      const channel = body.channel?.id ?? null;
      if (!(await ctx.access.require({ action: 'deploy', environment: p.environment, user: requester, channel, target: p.ref, respond }))) return;
      const outcome = await runOrHold(ctx, {
        action: 'deploy', environment: p.environment, target: p.ref, what: `deploy ${code(p.ref)}`, title: `deploy ${p.ref}`, requester, channel: channel ?? '',
        request: { requestId: deployRequestId(p), environment: p.environment, requestedBy: slackUser(body.user), source: 'slack', operation: { kind: 'deploy', ref: p.ref } },
      });
      if (outcome.kind === 'held') await respond({ replace_original: true, ...outcome.message });
      else if (!outcome.submitted.duplicate) await respond({ replace_original: true, ...submittedMessage(`Deploy ${code(p.ref)}`, p.environment, outcome.submitted, outcome.channel) });
    } catch (error) {
      ctx.log.warn({ err: error }, 'deploy confirm failed');
      await respond({ replace_original: false, ...problemOf(error) });
    }
  });
}
