/** Resolve: ends the escalation and writes the report. */
import { RESOLVE_ACTION } from '../../incidents/escalation-message.js';
import type { BotContext } from '../bot-context.js';
import { registerIncidentButton } from './incident-escalation-button.js';
import type { Listeners } from '../listener-routes.js';

export function registerIncidentResolve(app: Listeners, ctx: BotContext): void {
  registerIncidentButton(app, ctx, RESOLVE_ACTION, 'resolve');
}
