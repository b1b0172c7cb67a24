/**
 * What real Slack enforces, as named constants (source: /work/shared/notes/slack-limits.md, Slack's
 * Block Kit, modal, rate-limit, Events API and manifest references, `@slack/web-api` manifest types).
 * Message builders truncate to these and the manifest rules check manifest.yml against them. The
 * Slack emulator in test/support does NOT import them: it enforces Slack's documented values from
 * test/support/slack-emulator/slack-limits.json, and test/unit/slack-limits-documented.test.ts
 * checks every constant here against that file, so a wrong number here fails a test.
 * Pure constants: no I/O, safe to import anywhere.
 */

// ── Requests into the app ────────────────────────────────────────────────────────────────────

/** Commands, actions, shortcuts and view submissions must be `ack()`ed within this, or the user sees "operation_timeout". */
export const ACK_DEADLINE_MS = 3_000;
/** Bolt rejects a signed request whose `X-Slack-Request-Timestamp` is older than this (replay protection). */
export const REQUEST_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
/** Signature scheme: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:{ts}:{raw body}")>`. */
export const REQUEST_SIGNATURE_VERSION = 'v0';
/** The Events API retries a delivery up to this many times (`X-Slack-Retry-Num` 1..3); effects must be idempotent. */
export const EVENT_MAX_RETRIES = 3;
/** A `response_url` accepts at most this many posts… */
export const RESPONSE_URL_MAX_USES = 5;
/** …within this long after the interaction. Later progress goes through chat.postMessage/update. */
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1_000;
/** A `trigger_id` opens a modal (`views.open`) only this soon after the interaction. */
export const TRIGGER_ID_TTL_MS = 3_000;

// ── Messages ────────────────────────────────────────────────────────────────────────────────

/** Blocks in one message. */
export const MAX_BLOCKS_PER_MESSAGE = 50;
/** A message's top-level `text` is truncated past this. */
export const MAX_MESSAGE_TEXT_CHARS = 40_000;
/**
 * Total characters of a message's serialized blocks before Slack answers `msg_blocks_too_long`,
 * observed in the field even when every per-block limit holds. Keep progress messages under it;
 * put detail in the thread.
 */
export const MAX_MESSAGE_BLOCKS_CHARS_OBSERVED = 13_000;
/** Legacy attachment colours that draw the coloured left bar around blocks (hex `#rrggbb` also works). */
export const ATTACHMENT_COLORS = { good: 'good', warning: 'warning', danger: 'danger' } as const;

// ── Modals and the Home tab ───────────────────────────────────────────────────────────────────

/** Blocks in a modal or a Home tab view. */
export const MAX_BLOCKS_PER_VIEW = 100;
/** Modal `title`, `submit` and `close` text. `submit` is required when the view has an input block. */
export const MAX_MODAL_TITLE_CHARS = 24;
export const MAX_MODAL_SUBMIT_CHARS = 24;
export const MAX_MODAL_CLOSE_CHARS = 24;
/** A view's `private_metadata`: carry IDs in it, never state. */
export const MAX_PRIVATE_METADATA_CHARS = 3_000;
/** A view's `callback_id`. */
export const MAX_CALLBACK_ID_CHARS = 255;

// ── Blocks and elements ───────────────────────────────────────────────────────────────────────

/** Section block `text`. */
export const MAX_SECTION_TEXT_CHARS = 3_000;
/** Section block `fields`: at most this many… */
export const MAX_SECTION_FIELDS = 10;
/** …each at most this long. */
export const MAX_SECTION_FIELD_CHARS = 2_000;
/** Header block text (plain_text). */
export const MAX_HEADER_TEXT_CHARS = 150;
/** Markdown block text. */
export const MAX_MARKDOWN_BLOCK_CHARS = 12_000;
/** `block_id`, unique within one message or view. */
export const MAX_BLOCK_ID_CHARS = 255;
/** `action_id`, unique within one message or view. */
export const MAX_ACTION_ID_CHARS = 255;
/** Elements in one actions block. */
export const MAX_ACTIONS_ELEMENTS = 25;
/** Button label. */
export const MAX_BUTTON_TEXT_CHARS = 75;
/** Button `value`: an ID, never a payload. */
export const MAX_BUTTON_VALUE_CHARS = 2_000;
/** Button or link `url`. */
export const MAX_URL_CHARS = 3_000;

// ── Rate limits ───────────────────────────────────────────────────────────────────────────────

/** chat.postMessage: about one message per second per channel (short bursts tolerated). */
export const POST_MESSAGE_PER_CHANNEL_PER_SECOND = 1;
/** chat.update is Tier 3: about 50 calls a minute. Progress faster than this is coalesced, last state wins. */
export const CHAT_UPDATE_PER_MINUTE = 50;
/** conversations.create is Tier 2: about 20 calls a minute. */
export const CONVERSATIONS_CREATE_PER_MINUTE = 20;
/** Over a limit Slack answers HTTP 429 with a `Retry-After` header in seconds. */
export const RATE_LIMITED_STATUS = 429;

// ── Channels ──────────────────────────────────────────────────────────────────────────────────

/** conversations.create `name` length; longer fails with `invalid_name_maxlength`. */
export const MAX_CHANNEL_NAME_CHARS = 80;
/** Allowed channel-name characters; anything else fails with `invalid_name_specials`. */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9_-]+$/;
/** conversations.invite takes 1..1000 comma-separated user IDs, and the bot must be a member. */
export const MAX_INVITE_USERS = 1_000;

// ── App manifest ──────────────────────────────────────────────────────────────────────────────

/** A slash command, including its leading `/`. */
export const MAX_SLASH_COMMAND_CHARS = 32;
/** Slash commands per app. */
export const MAX_SLASH_COMMANDS = 50;
/** A slash command's `description`. */
export const MAX_SLASH_COMMAND_DESCRIPTION_CHARS = 2_000;
/** A slash command's `usage_hint`. */
export const MAX_SLASH_COMMAND_USAGE_HINT_CHARS = 1_000;
/** `features.bot_user.display_name` length… */
export const MAX_BOT_DISPLAY_NAME_CHARS = 80;
/** …and characters: lowercase letters, digits, `-`, `_`, `.`. */
export const BOT_DISPLAY_NAME_PATTERN = /^[a-z0-9._-]+$/;
/** `display_information.name`. */
export const MAX_APP_NAME_CHARS = 35;
/** `display_information.description`. */
export const MAX_APP_DESCRIPTION_CHARS = 140;
/** `display_information.long_description`: Slack refuses one shorter than this… */
export const MIN_APP_LONG_DESCRIPTION_CHARS = 175;
/** …or longer than this. */
export const MAX_APP_LONG_DESCRIPTION_CHARS = 4_000;
/** `oauth_config.scopes.bot` entries. */
export const MAX_BOT_SCOPES = 255;
