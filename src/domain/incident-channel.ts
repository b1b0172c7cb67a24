/**
 * The name of an incident's own Slack channel: `inc-YYYYMMDD-<env>-<slug>`, within Slack's rules
 * for conversations.create (lowercase letters, digits, hyphens, underscores; at most 80
 * characters), and the next name to try when Slack answers `name_taken`.
 */
export const CHANNEL_NAME_MAX = 80;
/** Room kept at the end of a name for a suffix such as "-12". */
const SUFFIX_ROOM = 3;

/** "Deploy v1.1.0: health failed!" → "deploy-v1-1-0-health-failed". */
export function channelSlug(summary: string): string {
  return summary.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_-]+/g, '-').replace(/-{2,}/g, '-').replace(/^[-_]+|[-_]+$/g, '');
}

export function incidentChannelName(openedAt: Date, environment: string, summary: string): string {
  const day = openedAt.toISOString().slice(0, 10).replace(/-/g, '');
  const base = `inc-${day}-${channelSlug(environment) || 'env'}`;
  const room = CHANNEL_NAME_MAX - SUFFIX_ROOM - base.length - 1;
  const slug = channelSlug(summary).slice(0, Math.max(0, room)).replace(/[-_]+$/, '');
  return slug ? `${base}-${slug}` : base;
}

/** The name to try after `name_taken` on attempt `n` (2, 3, …): a suffix, still within 80 characters. */
export function channelNameWithSuffix(name: string, n: number): string {
  const suffix = `-${n}`;
  return `${name.slice(0, CHANNEL_NAME_MAX - suffix.length).replace(/[-_]+$/, '')}${suffix}`;
}

/** Slack's rule, for checking a name before sending it (and the emulator's). */
export function validChannelName(name: string): boolean {
  return name.length > 0 && name.length <= CHANNEL_NAME_MAX && /^[a-z0-9_-]+$/.test(name);
}
