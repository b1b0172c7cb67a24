/** Acknowledge: stops the escalation; still unresolved reescalateAfterMinutes later, it escalates again. */
import type { App } from '@slack/bolt';
import { ACKNOWLEDGE_ACTION } from '../../incidents/escalation-message.js';
import type { BotContext } from '../bot-context.js';
import { registerIncidentButton } from './incident-escalation-button.js';

export function registerIncidentAcknowledge(app: App, ctx: BotContext): void {
  registerIncidentButton(app, ctx, ACKNOWLEDGE_ACTION, 'acknowledge');
}
