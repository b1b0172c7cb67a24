/** Escalate now: pages the next level at once. */
import { ESCALATE_NOW_ACTION } from '../../incidents/escalation-message.js';
import type { BotContext } from '../bot-context.js';
import { registerIncidentButton } from './incident-escalation-button.js';
import type { Listeners } from '../listener-routes.js';

export function registerIncidentEscalateNow(app: Listeners, ctx: BotContext): void {
  registerIncidentButton(app, ctx, ESCALATE_NOW_ACTION, 'escalate_now');
}
