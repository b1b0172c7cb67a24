/** Escalate now: pages the next level at once. */
import type { App } from '@slack/bolt';
import { ESCALATE_NOW_ACTION } from '../../incidents/escalation-message.js';
import type { BotContext } from '../bot-context.js';
import { registerIncidentButton } from './incident-escalation-button.js';

export function registerIncidentEscalateNow(app: App, ctx: BotContext): void {
  registerIncidentButton(app, ctx, ESCALATE_NOW_ACTION, 'escalate_now');
}
