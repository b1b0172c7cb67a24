/** Resolve: ends the escalation and writes the report. */
import type { App } from '@slack/bolt';
import { RESOLVE_ACTION } from '../../incidents/escalation-message.js';
import type { BotContext } from '../bot-context.js';
import { registerIncidentButton } from './incident-escalation-button.js';

export function registerIncidentResolve(app: App, ctx: BotContext): void {
  registerIncidentButton(app, ctx, RESOLVE_ACTION, 'resolve');
}
