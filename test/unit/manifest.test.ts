/**
 * manifest.yml against Slack's limits and Ripcord's rules. The real file must pass; broken copies
 * must fail with the specific problem, so a rule that silently stopped checking would show here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  ALLOWED_BOT_SCOPES, REQUIRED_COMMANDS, botScopeComments, validateManifest,
} from '../../src/slack/manifest-rules.js';
import { MAX_SLASH_COMMAND_CHARS, MAX_SLASH_COMMANDS } from '../../src/slack/limits.js';

const manifestPath = fileURLToPath(new URL('../../manifest.yml', import.meta.url));
const rawText = readFileSync(manifestPath, 'utf8');

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary paths

/** A fresh parsed copy each time, so one test's breakage never leaks into another. */
const fresh = (): Manifest => parse(rawText) as Manifest;

/** Asserts `problems` contains exactly one entry mentioning every fragment. */
function assertProblem(problems: string[], ...fragments: string[]): void {
  const hits = problems.filter((p) => fragments.every((f) => p.includes(f)));
  assert.equal(hits.length, 1, `expected one problem with ${JSON.stringify(fragments)}, got:\n${problems.join('\n')}`);
}

describe('manifest.yml', () => {
  test('passes every rule', () => {
    assert.deepEqual(validateManifest(fresh(), rawText), []);
  });

  test('declares the five commands, each short, described and unescaped', () => {
    const commands = fresh().features.slash_commands as Manifest[];
    assert.ok(commands.length <= MAX_SLASH_COMMANDS);
    assert.deepEqual(commands.map((c) => c.command).sort(), [...REQUIRED_COMMANDS].sort());
    for (const c of commands) {
      assert.ok(c.command.startsWith('/') && c.command.length <= MAX_SLASH_COMMAND_CHARS, c.command);
      assert.ok(c.description.length > 0 && c.usage_hint.length > 0, c.command);
      assert.equal(c.should_escape, false);
    }
  });

  test('runs as a Socket Mode bot named ripcord with a Home tab', () => {
    const m = fresh();
    assert.equal(m.features.bot_user.display_name, 'ripcord');
    assert.equal(m.features.bot_user.always_online, true);
    assert.equal(m.features.app_home.home_tab_enabled, true);
    assert.equal(m.settings.interactivity.is_enabled, true);
    assert.equal(m.settings.socket_mode_enabled, true);
    assert.deepEqual(m.settings.event_subscriptions.bot_events, ['app_home_opened']);
  });

  test('asks only for allowed scopes, each once, each with its reason on its line', () => {
    const scopes = fresh().oauth_config.scopes.bot as string[];
    assert.equal(new Set(scopes).size, scopes.length);
    const comments = botScopeComments(rawText);
    for (const scope of scopes) {
      assert.ok(Object.hasOwn(ALLOWED_BOT_SCOPES, scope), scope);
      assert.ok((comments.get(scope) ?? '').length > 10, `${scope} needs a real reason`);
    }
  });
});

describe('validateManifest on broken copies', () => {
  test('a command longer than 32 characters, without "/", or uppercase', () => {
    const m = fresh();
    m.features.slash_commands[0].command = `/${'d'.repeat(MAX_SLASH_COMMAND_CHARS)}`;
    m.features.slash_commands[1].command = 'rollback';
    m.features.slash_commands[2].command = '/Backups';
    const problems = validateManifest(m, rawText);
    assertProblem(problems, 'slash_commands[0].command', '33 characters');
    assertProblem(problems, 'slash_commands[1].command', 'must start with "/"');
    assertProblem(problems, 'slash_commands[2].command', 'lowercase');
    assertProblem(problems, '/deploy is missing');
    assertProblem(problems, '/rollback is missing');
  });

  test('missing description or usage hint, escaping on, a duplicate command', () => {
    const m = fresh();
    delete m.features.slash_commands[0].description;
    m.features.slash_commands[1].usage_hint = '';
    m.features.slash_commands[2].should_escape = true;
    m.features.slash_commands.push({ ...m.features.slash_commands[3] });
    const problems = validateManifest(m, rawText);
    assertProblem(problems, 'slash_commands[0].description', 'missing');
    assertProblem(problems, 'slash_commands[1].usage_hint', 'at least 1');
    assertProblem(problems, 'slash_commands[2].should_escape');
    assertProblem(problems, 'slash_commands[5].command', 'declared twice');
  });

  test('more than 50 commands', () => {
    const m = fresh();
    for (let i = 0; i < MAX_SLASH_COMMANDS; i++) {
      m.features.slash_commands.push({ command: `/extra${i}`, description: 'x', usage_hint: 'x', should_escape: false });
    }
    assertProblem(validateManifest(m, rawText), 'features.slash_commands:', 'at most 50');
  });

  test('display name: too long, or characters outside a-z 0-9 - _ .', () => {
    const long = fresh();
    long.features.bot_user.display_name = 'r'.repeat(81);
    assertProblem(validateManifest(long, rawText), 'display_name', '81 characters');
    const upper = fresh();
    upper.features.bot_user.display_name = 'Ripcord Bot';
    assertProblem(validateManifest(upper, rawText), 'display_name', 'may use only');
  });

  test('interactivity, socket mode, home tab and app_home_opened switched off', () => {
    const m = fresh();
    m.settings.interactivity.is_enabled = false;
    m.settings.socket_mode_enabled = false;
    m.features.app_home.home_tab_enabled = false;
    m.settings.event_subscriptions.bot_events = ['message.channels'];
    m.settings.token_rotation_enabled = true;
    const problems = validateManifest(m, rawText);
    assertProblem(problems, 'interactivity.is_enabled');
    assertProblem(problems, 'socket_mode_enabled');
    assertProblem(problems, 'home_tab_enabled');
    assertProblem(problems, 'bot_events', 'must include app_home_opened');
    assertProblem(problems, 'bot_events', '"message.channels" has no handler');
    assertProblem(problems, 'token_rotation_enabled');
  });

  test('an unknown scope, a duplicate, a missing required one, user scopes', () => {
    const m = fresh();
    const bot = m.oauth_config.scopes.bot as string[];
    bot.push('channels:history', 'im:write');
    bot.splice(bot.indexOf('chat:write'), 1);
    m.oauth_config.scopes.user = ['search:read'];
    const problems = validateManifest(m, rawText);
    assertProblem(problems, '"channels:history" is not a scope Ripcord uses');
    assertProblem(problems, '"channels:history" has no comment');
    assertProblem(problems, '"im:write" is listed twice');
    assertProblem(problems, '"chat:write" is missing');
    assertProblem(problems, 'oauth_config.scopes.user');
  });

  test('a scope whose justification comment was removed', () => {
    const text = rawText.replace(/^(\s*- users:read)\s+#.*$/m, '$1');
    assert.notEqual(text, rawText, 'the fixture line was not found');
    assertProblem(validateManifest(parse(text), text), '"users:read" has no comment');
  });

  test('scopes in flow style have no lines to justify them', () => {
    const text = rawText.replace(/^(\s*)bot:\s*\n(?:\s*- .*\n)+/m, '$1bot: [commands, chat:write]\n');
    assert.match(text, /bot: \[commands, chat:write\]/);
    const problems = validateManifest(parse(text), text);
    assertProblem(problems, '"commands" has no comment');
    assertProblem(problems, '"chat:write" has no comment');
  });

  test('display information past Slack limits, an unknown section, not a mapping', () => {
    const m = fresh();
    m.display_information.name = 'R'.repeat(36);
    m.display_information.long_description = 'too short';
    m.feature = {};
    const problems = validateManifest(m, rawText);
    assertProblem(problems, 'display_information.name', '36 characters');
    assertProblem(problems, 'long_description', 'at least 175');
    assertProblem(problems, 'feature:', 'not a manifest section');
    assert.deepEqual(validateManifest(['a list'], ''), ['manifest: expected a YAML mapping at the top level']);
  });
});
