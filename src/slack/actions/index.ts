/** Registers every button and view listener; one per file. */
import type { App } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { registerApprovalDecision } from './approval-decision.js';
import { registerDeployCancel } from './deploy-cancel.js';
import { registerDeployConfirm } from './deploy-confirm.js';
import { registerIncidentAcknowledge } from './incident-acknowledge.js';
import { registerIncidentButtons } from './incident-buttons.js';
import { registerIncidentEscalateNow } from './incident-escalate-now.js';
import { registerIncidentResolve } from './incident-resolve.js';

export function registerActions(app: App, ctx: BotContext): void {
  registerDeployConfirm(app, ctx);
  registerDeployCancel(app, ctx);
  registerApprovalDecision(app, ctx);
  registerIncidentButtons(app, ctx);
  registerIncidentAcknowledge(app, ctx);
  registerIncidentEscalateNow(app, ctx);
  registerIncidentResolve(app, ctx);
}
