/** Registers every Events API listener; one per file. */
import type { BotContext } from '../bot-context.js';
import { registerAppHomeOpened } from './app-home-opened.js';
import type { Listeners } from '../listener-routes.js';

export function registerEvents(app: Listeners, ctx: BotContext): void {
  registerAppHomeOpened(app, ctx);
}
