/**
 * Text that came from outside Ripcord (commit subjects, refs, user input, error reasons) made safe
 * for Slack mrkdwn: `&`, `<`, `>` escaped so it cannot form `<!channel>`, `<@U…>` or a link;
 * `@channel`, `@here`, `@everyone` broken with a zero-width space so they never notify; and cut to
 * a limit with an ellipsis instead of being rejected by Slack. Pure.
 */

const BROADCAST = /@(channel|here|everyone)\b/gi;

/** `text` safe to place inside mrkdwn. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(BROADCAST, '@\u200b$1');
}

/** `text` at most `max` characters, ending in "…" when it was longer. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Inline code that cannot be closed early by a backtick in `text`. */
export function code(text: string): string {
  return `\`${escapeText(text).replace(/`/g, 'ˋ')}\``;
}

/** "4.2 s", "1 min 5 s": stage durations. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** "3 minutes ago" style ages without a date library: pure and predictable for tests. */
export function age(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3600) return unit(Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return unit(Math.floor(seconds / 3600), 'hour');
  return unit(Math.floor(seconds / 86_400), 'day');
}
