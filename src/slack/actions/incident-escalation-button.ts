/**
 * The Acknowledge / Escalate now / Resolve buttons of an escalation ping (in the incident's
 * thread and in DMs). Thin: ack, press the button in the incident store (IncidentActions), and
 * answer the person who pressed it; a refusal (resolved already, last level) says what to do.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf } from '../bot-context.js';
import type { IncidentButton } from '../incident-actions.js';
import { incidentButtonAnswer } from '../messages/incident-button-answer.js';

export function registerIncidentButton(app: App, ctx: BotContext, actionId: string, button: IncidentButton): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
    await ack();
    try {
      if (!ctx.escalation) throw new Error('escalation buttons are not served by this bot');
      const incident = await ctx.escalation.press(button, action.value ?? '', body.user.id);
      await respond({ response_type: 'ephemeral', replace_original: false, ...incidentButtonAnswer(button, incident, ctx.escalation.reescalateAfterMinutes(incident.environment)) });
    } catch (error) {
      ctx.log.warn({ err: error, button }, 'incident button failed');
      await respond({ response_type: 'ephemeral', replace_original: false, ...problemOf(error) });
    }
  });
}
