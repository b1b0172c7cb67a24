/**
 * The bot's Slack limits (src/domain/slack-limits.ts) against Slack's documentation as recorded in
 * test/support/slack-emulator/slack-limits.json, the file the emulator enforces. A wrong constant
 * in src/ fails here by name, instead of agreeing with an emulator that shared it.
 *
 * Every constant must EQUAL its documented value. None is deliberately stricter: the builders cut
 * to Slack's exact limits and the emulator refuses one past them, so a margin would hide nothing
 * and only drift. (MAX_MESSAGE_BLOCKS_CHARS_OBSERVED is a field observation, ~13k, and the notes
 * record it as such; the bot uses that same number.) A constant that needs a margin should keep
 * the documented value here and apply the margin where it cuts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CHANNEL_NAME_MAX } from '../../src/domain/incident-channel.js';
import * as bot from '../../src/domain/slack-limits.js';
import { DOCUMENTED_LIMITS, methodLimits, type DocumentedLimit } from '../support/slack-emulator/documented-limits.js';

/** The bot's constant in the shape the data file writes it: a RegExp as its pattern, a colour map as its list. */
function asWritten(constant: unknown): Pick<DocumentedLimit, 'value' | 'pattern'> {
  if (constant instanceof RegExp) return { pattern: constant.flags ? `/${constant.source}/${constant.flags}` : constant.source };
  if (typeof constant === 'object' && constant !== null) return { value: Object.values(constant).map(String).sort() };
  return { value: constant as DocumentedLimit['value'] };
}

function documented(name: string): Pick<DocumentedLimit, 'value' | 'pattern'> {
  const entry = DOCUMENTED_LIMITS[name];
  assert.ok(entry, `${name} (src/domain/slack-limits.ts) has no entry in slack-limits.json: add Slack's documented value and its source`);
  return entry.pattern === undefined ? { value: Array.isArray(entry.value) ? [...entry.value].sort() : entry.value } : { pattern: entry.pattern };
}

describe('src/domain/slack-limits.ts agrees with Slack\'s documentation', () => {
  for (const [name, constant] of Object.entries(bot)) {
    test(name, () => {
      assert.deepEqual(asWritten(constant), documented(name), `${name} in src/domain/slack-limits.ts differs from Slack's documentation (${DOCUMENTED_LIMITS[name]?.source})`);
    });
  }

  test('the incident channel name length is Slack\'s channel name limit', () => {
    assert.equal(CHANNEL_NAME_MAX, DOCUMENTED_LIMITS.MAX_CHANNEL_NAME_CHARS?.value);
  });
});

describe('slack-limits.json', () => {
  test('every value has exactly one of value or pattern, and says where it is documented', () => {
    for (const [name, entry] of Object.entries(DOCUMENTED_LIMITS)) {
      assert.equal((entry.value === undefined) !== (entry.pattern === undefined), true, `${name}: give a value or a pattern`);
      assert.ok(entry.source.trim().length > 10, `${name}: the source is missing`);
    }
  });

  test('every rate window resolves to a positive limit and says where it comes from', () => {
    for (const [method, rule] of Object.entries(methodLimits())) {
      assert.ok(Number.isInteger(rule.limit) && rule.limit > 0 && rule.windowMs > 0, `${method}: ${JSON.stringify(rule)}`);
      assert.ok(rule.source.trim().length > 10, `${method}: the source is missing`);
    }
  });

  test('the emulator takes no limit from the bot: nothing under test/support/slack-emulator imports its constants', () => {
    const dir = new URL('../support/slack-emulator/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      assert.doesNotMatch(text, /from '[./]*src\/(domain\/slack-limits|slack\/limits|domain\/incident-channel)\.js'/, file);
    }
  });
});
