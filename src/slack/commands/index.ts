/** Registers every slash command; one listener per file. */
import type { BotContext } from '../bot-context.js';
import { registerDeployCommand } from './deploy.js';
import { registerStatusCommand } from './status.js';
import { registerIncidentCommand } from './incident.js';
import { registerBackupsCommand } from './backups.js';
import { registerRollbackCommand } from './rollback.js';
import type { Listeners } from '../listener-routes.js';

export function registerCommands(app: Listeners, ctx: BotContext): void {
  registerDeployCommand(app, ctx);
  registerStatusCommand(app, ctx);
  registerIncidentCommand(app, ctx);
  registerRollbackCommand(app, ctx);
  registerBackupsCommand(app, ctx);
}
