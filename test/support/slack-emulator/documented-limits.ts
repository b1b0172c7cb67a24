/**
 * Slack's limits as Slack documents them, read from slack-limits.json, where each value sits
 * beside its source. The emulator takes its numbers from here and never from src/: if it shared
 * the bot's constants, a wrong constant would pass both the bot and the tests.
 * test/unit/slack-limits-documented.test.ts checks the bot's constants against this same file.
 */
import { readFileSync } from 'node:fs';

export type DocumentedValue = number | string | string[];
/** One documented limit: a `value`, or a `pattern` (a regular expression's source), and where it is written. */
export interface DocumentedLimit { value?: DocumentedValue; pattern?: string; source: string }
export interface DocumentedMethodLimit { limit: number; windowMs: number; perChannel: boolean; source: string }

interface RawMethodLimit { limit: number | string; windowMs: number; perChannel: boolean; source: string }
interface LimitsFile { limits: Record<string, DocumentedLimit>; rateLimits: { methods: Record<string, RawMethodLimit> } }

export const LIMITS_FILE = new URL('./slack-limits.json', import.meta.url);

const file = JSON.parse(readFileSync(LIMITS_FILE, 'utf8')) as LimitsFile;

/** Every documented limit by name (the bot's constant name where the bot has one). */
export const DOCUMENTED_LIMITS: Readonly<Record<string, DocumentedLimit>> = file.limits;

function entry(name: string): DocumentedLimit {
  const found = DOCUMENTED_LIMITS[name];
  if (!found) throw new Error(`${name} is not in ${LIMITS_FILE.pathname}: add it there with its documentation source`);
  return found;
}

function documentedNumber(name: string): number {
  const { value } = entry(name);
  if (typeof value !== 'number') throw new Error(`${name} in ${LIMITS_FILE.pathname} must be a number, not ${JSON.stringify(value)}`);
  return value;
}

/** The named numeric limits, checked when the module loads so a misspelt name fails at once. */
export function documentedNumbers<K extends string>(names: readonly K[]): Readonly<Record<K, number>> {
  return Object.fromEntries(names.map((name) => [name, documentedNumber(name)])) as Record<K, number>;
}

export function documentedPattern(name: string): RegExp {
  const { pattern } = entry(name);
  if (typeof pattern !== 'string') throw new Error(`${name} in ${LIMITS_FILE.pathname} must have a "pattern"`);
  return new RegExp(pattern);
}

/** The emulator's per-method windows; a `limit` given as a name is that documented limit. */
export function methodLimits(): Record<string, DocumentedMethodLimit> {
  return Object.fromEntries(Object.entries(file.rateLimits.methods).map(([method, rule]) => [
    method, { ...rule, limit: typeof rule.limit === 'number' ? rule.limit : documentedNumber(rule.limit) },
  ]));
}
