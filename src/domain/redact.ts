/**
 * Secret redaction, pure. Every place text leaves Ripcord — log lines, Slack messages, error
 * messages, notifications, job payloads — passes through here, so a secret that reaches a string
 * by accident (a libpq error quoting the connection URL, a webhook URL in a stack trace) is masked
 * by its shape, and a secret that sits in a structured value is masked by its key.
 */

/** What a value under a secret key becomes. */
export const REDACTED = '[REDACTED]';
/** What the secret part of a string becomes; the rest (user, host, token kind) stays readable. */
export const MASK = '***';

/** A character of a secret inside text: anything up to whitespace or a quote; a backslash takes the next character with it. */
const SECRET_CHAR = String.raw`(?:[^\s"'\\]|\\.)`;

/** `key=` (with optional spaces) where the key ends in a secret word; group 1 keeps it. */
const SECRET_WORD = '(?:password|passwd|passphrase|secret|token|api[_-]?key)';
const SECRET_KEY = String.raw`\b([A-Za-z0-9_.-]*?${SECRET_WORD}\s*=\s*)`;

interface Rule {
  pattern: RegExp;
  replace: string;
}

const RULES: readonly Rule[] = [
  // Slack tokens: bot xoxb-, user xoxp-, app-level xapp-, rotating xoxe.xoxb-, refresh xoxe-.
  // The prefix says which token leaked; the rest is the secret.
  { pattern: /\b(xoxe\.xox[a-z]|xox[a-z]|xapp)-[A-Za-z0-9-]+/g, replace: `$1-${MASK}` },
  // Slack incoming webhooks and workflow triggers: the last path segment is the secret.
  {
    pattern: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/(?:[A-Za-z0-9_-]+\/)+)[A-Za-z0-9_-]+(?![\w/*-])/g,
    replace: `$1${MASK}`,
  },
  // The password of any scheme://user:password@host URL. The password runs to the last "@" before
  // the host, so an unencoded "@" inside it is still masked; "/", "?" and "#" end the authority.
  {
    pattern: new RegExp(String.raw`([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/?#@"'\\]*:)(?:(?![/?#])${SECRET_CHAR})+(?=@)`, 'g'),
    replace: `$1${MASK}`,
  },
  // HTTP credentials in headers or text. Real credentials are long; the length floor keeps prose
  // ("Bearer token", "basic check") readable.
  { pattern: /\b([Bb]earer\s+)[A-Za-z0-9._~+/=-]{8,}/g, replace: `$1${MASK}` },
  { pattern: /\b(Basic\s+)[A-Za-z0-9+/=]{8,}/g, replace: `$1${MASK}` },
  // GitHub tokens, which appear as bare git remote user names (https://ghp_…@github.com).
  { pattern: /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{16,}/g, replace: `$1${MASK}` },
  // A token as the whole user part of an http(s) URL (https://TOKEN@host/repo.git), as git hosts
  // accept it (after the GitHub rule, which keeps the token kind). Short user names (git@, deploy@) are names, not secrets, and stay readable.
  { pattern: /(https?:\/\/)[A-Za-z0-9._~-]{16,}(?=@)/g, replace: `$1${MASK}` },
  // key=value: env lines (PGPASSWORD=…), libpq strings (password='…'), query strings (?token=…).
  // A quoted value is masked to its closing quote, so a password with spaces does not half-leak;
  // the unquoted rule then skips it (idempotence), and masks an unclosed quote to the end of the word.
  { pattern: new RegExp(String.raw`${SECRET_KEY}(["'])(?:(?!\2)[^\n\\]|\\.)*?\2`, 'gi'), replace: `$1$2${MASK}$2` },
  // The same inside JSON quoted in text ({"password": "…"}), e.g. a response body in an error.
  {
    pattern: new RegExp(String.raw`(["'][A-Za-z0-9_.-]*?${SECRET_WORD}["']\s*:\s*)(["'])(?:(?!\2)[^\n\\]|\\.)*?\2`, 'gi'),
    replace: `$1$2${MASK}$2`,
  },
  {
    pattern: new RegExp(String.raw`${SECRET_KEY}(?!(["'])\*\*\*\2)(["']?)(?:(?![&,;])${SECRET_CHAR})+`, 'gi'),
    replace: `$1$3${MASK}`,
  },
];

/** Masks every secret-shaped part of `s`. Safe to apply twice: masks are not themselves secret-shaped. */
export function redactString(s: string): string {
  let out = s;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace);
  return out;
}

/** A JSON string literal, escapes included. */
const JSON_STRING = /"(?:[^"\\\n]|\\.)*"/g;

/**
 * `redactString` applied to every string literal inside serialized JSON (a log line), decoded
 * first and re-encoded after, so masking can never break the JSON around it.
 */
export function redactJsonText(json: string): string {
  return json.replace(JSON_STRING, (literal) => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(literal);
    } catch {
      return literal; // not a complete literal after all; leave it as written
    }
    if (typeof decoded !== 'string') return literal;
    const redacted = redactString(decoded);
    return redacted === decoded ? literal : JSON.stringify(redacted);
  });
}

/**
 * Key endings whose values are secret as a whole, compared lowercase without "_" or "-":
 * `password`, `PGPASSWORD`, `signingSecret`, `SLACK_BOT_TOKEN`, `Authorization`, `x-api-key`, ….
 * URL-valued keys (`databaseUrl`, `slackWebhookUrl`) are not here: their strings are masked by
 * shape, which keeps the host and path readable.
 */
export const SECRET_KEY_SUFFIXES: readonly string[] = [
  'password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'authorization', 'cookie',
  'privatekey', 'credentials',
];

/** Whether a property named `key` holds a secret as a whole. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return SECRET_KEY_SUFFIXES.some((suffix) => k.endsWith(suffix));
}

/** Deeper than this, structure is replaced rather than walked: logs never need it, and cycles stop. */
const MAX_DEPTH = 12;
const TOO_DEEP = '[Truncated]';

/**
 * A copy of `value` with secrets masked: strings by shape, properties under secret keys whole.
 * Errors stay errors (same prototype, so `instanceof` and the class name survive) with message,
 * stack, cause and own properties redacted. Objects with `toJSON` (URL, Buffer) are redacted in
 * their JSON form, other class instances become plain objects, as JSON would print them anyway.
 * The input is never modified.
 */
export function redactSecrets(value: unknown): unknown {
  return walk(value, 0, new WeakMap());
}

function walk(value: unknown, depth: number, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return value;
  if (value instanceof Error) return redactError(value, depth, seen);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(walk(item, depth + 1, seen));
    return out;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return walk(toJSON.call(value), depth + 1, seen);
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, item] of Object.entries(value)) out[key] = redactProperty(key, item, depth, seen);
  return out;
}

function redactProperty(key: string, item: unknown, depth: number, seen: WeakMap<object, unknown>): unknown {
  // null/undefined/booleans carry no secret and say whether one is configured, which helps debugging.
  if (isSecretKey(key) && item !== null && item !== undefined && typeof item !== 'boolean') return REDACTED;
  return walk(item, depth + 1, seen);
}

function redactError(error: Error, depth: number, seen: WeakMap<object, unknown>): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Error;
  seen.set(error, copy);
  // message and stack are own, non-enumerable properties; keep each property's enumerability so
  // serializers print the copy exactly as they would print the original.
  for (const key of Object.getOwnPropertyNames(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    let item: unknown;
    try {
      item = (error as unknown as Record<string, unknown>)[key];
    } catch {
      continue; // a throwing getter is not worth failing a log line over
    }
    Object.defineProperty(copy, key, {
      value: redactProperty(key, item, depth, seen),
      enumerable: descriptor?.enumerable ?? true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
