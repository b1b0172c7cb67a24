/**
 * The Acknowledge / Escalate now / Resolve buttons of an escalation ping (in the incident's
 * thread and in DMs). Thin: ack, act on the incident (incident-acts.ts: permission, audit, the
 * lifecycle change and its timers), and answer the person who pressed it; a refusal (not allowed,
 * resolved already, last level) says what to do.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson } from '../bot-context.js';
import type { IncidentButton } from '../incident-actions.js';
import { actOnIncident } from '../incident-acts.js';
import { incidentButtonAnswer } from '../messages/incident-button-answer.js';
import type { Listeners } from '../listener-routes.js';

export function registerIncidentButton(app: Listeners, ctx: BotContext, actionId: string, button: IncidentButton): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
    await ack();
    try {
      const escalation = ctx.escalation;
      if (!escalation) throw new Error('escalation buttons are not served by this bot');
      const incident = await actOnIncident(ctx, action.value ?? '', { kind: button }, { user: slackPerson(body.user), channel: body.channel?.id ?? null, refuse: respond });
      if (incident) await respond({ response_type: 'ephemeral', replace_original: false, ...incidentButtonAnswer(button, incident, escalation.reescalateAfterMinutes(incident.environment)) });
    } catch (error) {
      ctx.log.warn({ err: error, button }, 'incident button failed');
      await respond({ response_type: 'ephemeral', replace_original: false, ...problemOf(error) });
    }
  });
}
