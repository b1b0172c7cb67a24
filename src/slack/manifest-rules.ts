/**
 * Ripcord's rules for manifest.yml: Slack's own limits (src/domain/slack-limits.ts) plus what Ripcord
 * needs (its five commands, Socket Mode, the Home tab) and what it must not ask for (any scope
 * without a stated reason). Pure: it takes the parsed manifest and its text, so the unit test,
 * and later `ripcord doctor`, can run it without touching Slack.
 */
import {
  BOT_DISPLAY_NAME_PATTERN, MAX_APP_DESCRIPTION_CHARS, MAX_APP_LONG_DESCRIPTION_CHARS, MAX_APP_NAME_CHARS,
  MAX_BOT_DISPLAY_NAME_CHARS, MAX_BOT_SCOPES, MAX_SLASH_COMMAND_CHARS, MAX_SLASH_COMMAND_DESCRIPTION_CHARS,
  MAX_SLASH_COMMAND_USAGE_HINT_CHARS, MAX_SLASH_COMMANDS, MIN_APP_LONG_DESCRIPTION_CHARS,
} from './limits.js';

/** The commands the bot registers handlers for; the manifest must declare each. */
export const REQUIRED_COMMANDS: readonly string[] = ['/deploy', '/rollback', '/backups', '/status', '/incident'];

/**
 * Every bot scope Ripcord may request, with the feature that uses it. A scope outside this list
 * fails the manifest test: adding one means adding its reason here first, where review sees it.
 * Deliberately absent: chat:write.public (invite @ripcord to the deploy channel instead),
 * groups:write (incident channels are public), im:history/app_mentions:read (Ripcord reads no messages).
 */
export const ALLOWED_BOT_SCOPES: Readonly<Record<string, string>> = {
  commands: 'slash commands',
  'chat:write': 'progress, results, incident timelines and DMs',
  'channels:read': 'resolve channel names to IDs, check membership, find an existing incident channel',
  'channels:manage': 'create incident channels, invite responders, set the topic',
  'im:write': 'open DMs to on-call contacts',
  'users:read': 'resolve escalation contacts',
  'usergroups:read': 'expand user-group contacts to their members',
  'pins:write': 'pin an incident\'s summary',
};

/** Scopes every Ripcord install needs whatever else it enables. */
export const REQUIRED_BOT_SCOPES: readonly string[] = ['commands', 'chat:write'];

/** The bot events Ripcord handles; subscribing to more only costs deliveries it would ignore. */
export const ALLOWED_BOT_EVENTS: readonly string[] = ['app_home_opened'];

/** Slack refuses unknown top-level keys (manifest schema v1: additionalProperties false). */
const TOP_LEVEL_KEYS = new Set(['_metadata', 'display_information', 'features', 'oauth_config', 'settings']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Every problem with `manifest` (the parsed YAML) and `rawText` (the same file as text, read for
 * the scope comments YAML parsing drops), as "path: what is wrong". Empty when it is acceptable.
 */
export function validateManifest(manifest: unknown, rawText: string): string[] {
  if (!isObj(manifest)) return ['manifest: expected a YAML mapping at the top level'];
  const problems: string[] = [];
  for (const key of Object.keys(manifest)) {
    if (!TOP_LEVEL_KEYS.has(key)) problems.push(`${key}: not a manifest section Slack accepts (typo?)`);
  }
  checkDisplay(obj(manifest.display_information), problems);
  const features = obj(manifest.features);
  checkBotUser(obj(features.bot_user), problems);
  if (obj(features.app_home).home_tab_enabled !== true) {
    problems.push('features.app_home.home_tab_enabled: must be true; Ripcord renders its Home tab');
  }
  const commands = checkCommands(features.slash_commands, problems);
  checkScopes(obj(obj(manifest.oauth_config).scopes), rawText, commands.length > 0, problems);
  checkSettings(obj(manifest.settings), problems);
  return problems;
}

function checkLength(path: string, value: unknown, min: number, max: number, problems: string[]): void {
  const s = str(value);
  if (s === undefined) problems.push(`${path}: missing; expected text of ${min}–${max} characters`);
  else if (s.trim().length < min) problems.push(`${path}: ${s.trim().length} characters; Slack needs at least ${min}`);
  else if (s.length > max) problems.push(`${path}: ${s.length} characters; Slack allows at most ${max}`);
}

function checkDisplay(display: Obj, problems: string[]): void {
  checkLength('display_information.name', display.name, 1, MAX_APP_NAME_CHARS, problems);
  if (display.description !== undefined) {
    checkLength('display_information.description', display.description, 1, MAX_APP_DESCRIPTION_CHARS, problems);
  }
  if (display.long_description !== undefined) {
    checkLength('display_information.long_description', display.long_description,
      MIN_APP_LONG_DESCRIPTION_CHARS, MAX_APP_LONG_DESCRIPTION_CHARS, problems);
  }
}

function checkBotUser(botUser: Obj, problems: string[]): void {
  const name = str(botUser.display_name);
  checkLength('features.bot_user.display_name', name, 1, MAX_BOT_DISPLAY_NAME_CHARS, problems);
  if (name !== undefined && !BOT_DISPLAY_NAME_PATTERN.test(name)) {
    problems.push(`features.bot_user.display_name: "${name}" may use only a-z, 0-9, "-", "_" and "."`);
  }
}

function checkCommands(value: unknown, problems: string[]): string[] {
  const path = 'features.slash_commands';
  if (!Array.isArray(value)) {
    problems.push(`${path}: missing; Ripcord needs ${REQUIRED_COMMANDS.join(', ')}`);
    return [];
  }
  if (value.length > MAX_SLASH_COMMANDS) problems.push(`${path}: ${value.length} commands; Slack allows at most ${MAX_SLASH_COMMANDS}`);
  const seen = new Set<string>();
  value.forEach((entry, i) => {
    const item = obj(entry);
    const command = str(item.command) ?? '';
    const at = `${path}[${i}]`;
    if (!command.startsWith('/')) problems.push(`${at}.command: "${command}" must start with "/"`);
    if (command.length < 2 || command.length > MAX_SLASH_COMMAND_CHARS) {
      problems.push(`${at}.command: "${command}" is ${command.length} characters; Slack allows 2–${MAX_SLASH_COMMAND_CHARS} including "/"`);
    }
    if (/[\sA-Z]/.test(command)) problems.push(`${at}.command: "${command}" must be lowercase without spaces`);
    if (seen.has(command)) problems.push(`${at}.command: "${command}" is declared twice`);
    seen.add(command);
    checkLength(`${at}.description`, item.description, 1, MAX_SLASH_COMMAND_DESCRIPTION_CHARS, problems);
    checkLength(`${at}.usage_hint`, item.usage_hint, 1, MAX_SLASH_COMMAND_USAGE_HINT_CHARS, problems);
    if (item.should_escape !== false) {
      problems.push(`${at}.should_escape: must be false; Ripcord parses refs and names itself`);
    }
  });
  for (const required of REQUIRED_COMMANDS) {
    if (!seen.has(required)) problems.push(`${path}: ${required} is missing; the bot handles it`);
  }
  return [...seen];
}

function checkScopes(scopes: Obj, rawText: string, hasCommands: boolean, problems: string[]): void {
  const path = 'oauth_config.scopes.bot';
  for (const kind of ['user', 'user_optional', 'bot_optional']) {
    if (Array.isArray(scopes[kind]) && (scopes[kind] as unknown[]).length > 0) {
      problems.push(`oauth_config.scopes.${kind}: must be empty; Ripcord asks for fixed bot scopes only`);
    }
  }
  const bot = scopes.bot;
  if (!Array.isArray(bot)) {
    problems.push(`${path}: missing; Ripcord needs at least ${REQUIRED_BOT_SCOPES.join(', ')}`);
    return;
  }
  if (bot.length > MAX_BOT_SCOPES) problems.push(`${path}: ${bot.length} scopes; Slack allows at most ${MAX_BOT_SCOPES}`);
  const comments = botScopeComments(rawText);
  const seen = new Set<string>();
  for (const entry of bot) {
    const scope = String(entry);
    if (seen.has(scope)) problems.push(`${path}: "${scope}" is listed twice`);
    seen.add(scope);
    if (!Object.hasOwn(ALLOWED_BOT_SCOPES, scope)) {
      problems.push(`${path}: "${scope}" is not a scope Ripcord uses; add its reason to ALLOWED_BOT_SCOPES or remove it`);
    }
    if (!comments.get(scope)) problems.push(`${path}: "${scope}" has no comment on its line saying why it is needed`);
  }
  for (const required of REQUIRED_BOT_SCOPES) {
    if (!seen.has(required)) problems.push(`${path}: "${required}" is missing; every install needs it`);
  }
  if (hasCommands && !seen.has('commands')) problems.push(`${path}: slash commands need the "commands" scope`);
}

/**
 * The comment on each item line of the `bot:` list under `scopes:` — YAML parsers drop comments,
 * so the text is read directly. A scope written in flow style (`bot: [a, b]`) has no line of its
 * own and therefore no comment, which is reported.
 */
export function botScopeComments(rawText: string): Map<string, string> {
  const comments = new Map<string, string>();
  const lines = rawText.split(/\r?\n/);
  const scopesAt = lines.findIndex((l) => /^\s*scopes:\s*(#.*)?$/.test(l));
  if (scopesAt < 0) return comments;
  const botAt = lines.findIndex((l, i) => i > scopesAt && /^\s*bot:\s*(#.*)?$/.test(l));
  if (botAt < 0) return comments;
  const botIndent = indentOf(lines[botAt] ?? '');
  for (const line of lines.slice(botAt + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s*-\s+(["']?)([^\s"'#]+)\1(?:\s+#\s*(.*?))?\s*$/.exec(line);
    // The list ends at the first line that is not an item at or below bot's indentation.
    if (!item || indentOf(line) < botIndent) break;
    comments.set(item[2] ?? '', item[3] ?? '');
  }
  return comments;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

function checkSettings(settings: Obj, problems: string[]): void {
  if (obj(settings.interactivity).is_enabled !== true) {
    problems.push('settings.interactivity.is_enabled: must be true; confirmations are buttons and modals');
  }
  if (settings.socket_mode_enabled !== true) {
    problems.push('settings.socket_mode_enabled: must be true; Ripcord connects out over Socket Mode by default');
  }
  if (settings.org_deploy_enabled !== false) problems.push('settings.org_deploy_enabled: must be false; Ripcord installs into one workspace');
  if (settings.token_rotation_enabled !== false) {
    problems.push('settings.token_rotation_enabled: must be false; Ripcord holds one long-lived bot token');
  }
  const events = obj(settings.event_subscriptions).bot_events;
  const list = Array.isArray(events) ? events.map(String) : [];
  if (!list.includes('app_home_opened')) {
    problems.push('settings.event_subscriptions.bot_events: must include app_home_opened; it renders the Home tab');
  }
  for (const event of list) {
    if (!ALLOWED_BOT_EVENTS.includes(event)) problems.push(`settings.event_subscriptions.bot_events: "${event}" has no handler in Ripcord`);
  }
}
