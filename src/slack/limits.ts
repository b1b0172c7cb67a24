/**
 * Slack's limits live in src/domain/slack-limits.ts (pure constants that notify, the bot and the
 * emulator all share; in domain so no folder depends on the Slack bot for them). Re-exported here
 * for the bot's own files and tests.
 */
export * from '../domain/slack-limits.js';
