/** Registers every button and view listener; one per file. */
import type { BotContext } from '../bot-context.js';
import { registerApprovalDecision } from './approval-decision.js';
import { registerDeployCancel } from './deploy-cancel.js';
import { registerDeployConfirm } from './deploy-confirm.js';
import { registerIncidentAcknowledge } from './incident-acknowledge.js';
import { registerIncidentButtons } from './incident-buttons.js';
import { registerIncidentEscalateNow } from './incident-escalate-now.js';
import { registerIncidentResolve } from './incident-resolve.js';
import { registerBackupRestoreConfirm } from './backup-restore-confirm.js';
import { registerHomeBackup } from './home-backup.js';
import { registerHomeDeploy } from './home-deploy.js';
import { registerHomeRefresh } from './home-refresh.js';
import { registerHomeRollback } from './home-rollback.js';
import { registerPreviewCancel } from './preview-cancel.js';
import { registerPreviewRefresh } from './preview-refresh.js';
import { registerRollbackConfirm } from './rollback-confirm.js';
import { registerDeployModalSubmit } from '../views/deploy-modal-submit.js';
import { registerRollbackModalSubmit } from '../views/rollback-modal-submit.js';
import type { Listeners } from '../listener-routes.js';

export function registerActions(app: Listeners, ctx: BotContext): void {
  registerDeployConfirm(app, ctx);
  registerDeployCancel(app, ctx);
  registerApprovalDecision(app, ctx);
  registerIncidentButtons(app, ctx);
  registerIncidentAcknowledge(app, ctx);
  registerIncidentEscalateNow(app, ctx);
  registerIncidentResolve(app, ctx);
  registerRollbackConfirm(app, ctx);
  registerBackupRestoreConfirm(app, ctx);
  registerPreviewRefresh(app, ctx);
  registerPreviewCancel(app, ctx);
  registerRollbackModalSubmit(app, ctx);
  registerDeployModalSubmit(app, ctx);
  registerHomeDeploy(app, ctx);
  registerHomeRollback(app, ctx);
  registerHomeBackup(app, ctx);
  registerHomeRefresh(app, ctx);
}
