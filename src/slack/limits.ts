/**
 * Slack's limits live in src/domain/slack-limits.ts (pure constants that notify and the bot share;
 * in domain so no folder depends on the Slack bot for them). Re-exported here for the bot's own
 * files and tests. The Slack emulator deliberately does not use them (see slack-limits.json there).
 */
export * from '../domain/slack-limits.js';
