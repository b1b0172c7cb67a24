/**
 * Members of Slack user groups (S…), for permissions that name a group: `usergroups.users.list`,
 * cached for CACHE_MS so a burst of clicks costs one call, yet someone removed from the group
 * loses the right within a minute. A group that cannot be read counts as empty — a permission
 * check fails closed — and the reason is logged.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

export const GROUP_CACHE_MS = 60_000;

export class UserGroups {
  private readonly cache = new Map<string, { at: number; members: Promise<Set<string>> }>();

  constructor(private readonly client: webApi.WebClient, private readonly log: Logger, private readonly now: () => number = Date.now) {}

  members(group: string): Promise<Set<string>> {
    const hit = this.cache.get(group);
    if (hit && this.now() - hit.at < GROUP_CACHE_MS) return hit.members;
    const members = this.fetch(group);
    this.cache.set(group, { at: this.now(), members });
    return members;
  }

  private async fetch(group: string): Promise<Set<string>> {
    try {
      const res = await this.client.usergroups.users.list({ usergroup: group });
      return new Set(res.users ?? []);
    } catch (error) {
      this.cache.delete(group); // do not remember a failure: the next check asks again
      this.log.warn({ err: error, group }, 'could not read a user group; its members are refused until it can be read');
      return new Set();
    }
  }
}
