/** Acknowledge: stops the escalation; still unresolved reescalateAfterMinutes later, it escalates again. */
import { ACKNOWLEDGE_ACTION } from '../../incidents/escalation-message.js';
import type { BotContext } from '../bot-context.js';
import { registerIncidentButton } from './incident-escalation-button.js';
import type { Listeners } from '../listener-routes.js';

export function registerIncidentAcknowledge(app: Listeners, ctx: BotContext): void {
  registerIncidentButton(app, ctx, ACKNOWLEDGE_ACTION, 'acknowledge');
}
