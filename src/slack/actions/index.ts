/** Registers every button and view listener; one per file. */
import type { App } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { registerApprovalDecision } from './approval-decision.js';
import { registerDeployCancel } from './deploy-cancel.js';
import { registerDeployConfirm } from './deploy-confirm.js';
import { registerIncidentButtons } from './incident-buttons.js';

export function registerActions(app: App, ctx: BotContext): void {
  registerDeployConfirm(app, ctx);
  registerDeployCancel(app, ctx);
  registerApprovalDecision(app, ctx);
  registerIncidentButtons(app, ctx);
}
