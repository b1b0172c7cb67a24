/** Registers every Events API listener; one per file. */
import type { App } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { registerAppHomeOpened } from './app-home-opened.js';

export function registerEvents(app: App, ctx: BotContext): void {
  registerAppHomeOpened(app, ctx);
}
