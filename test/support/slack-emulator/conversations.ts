/**
 * Channels as Slack keeps them, for incident tests: conversations.create with Slack's name rules
 * (lowercase letters, digits, hyphens, underscores, ≤ 80 characters; `name_taken`,
 * `invalid_name_specials`, `invalid_name_maxlength`, `invalid_name_required`),
 * conversations.invite (1–1000 comma-separated user IDs, the bot must be a member), and pins.add
 * (an existing message, pinned once).
 */
import { documentedNumbers, documentedPattern } from './documented-limits.js';

type Obj = Record<string, unknown>;

export interface EmulatedChannel { id: string; name: string; members: Set<string>; pins: Set<string>; createdAt: number }

export const BOT_USER_ID = 'U0RIPCORD';
const SLACK = documentedNumbers(['MAX_CHANNEL_NAME_CHARS', 'MAX_INVITE_USERS'] as const);
const CHANNEL_NAME = documentedPattern('CHANNEL_NAME_PATTERN');

export class Conversations {
  readonly channels = new Map<string, EmulatedChannel>();

  constructor(private readonly idOf: (name: string) => string, private readonly messageExists: (channel: string, ts: string) => boolean) {}

  /** A name someone else already uses (Slack answers name_taken for archived channels too). */
  reserve(name: string): void {
    this.channels.set(this.idOf(name), { id: this.idOf(name), name, members: new Set(), pins: new Set(), createdAt: Date.now() });
  }

  byName(name: string): EmulatedChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  create(args: Obj): Obj {
    const name = typeof args.name === 'string' ? args.name : '';
    if (!name) return { ok: false, error: 'invalid_name_required' };
    if (name.length > SLACK.MAX_CHANNEL_NAME_CHARS) return { ok: false, error: 'invalid_name_maxlength' };
    if (!CHANNEL_NAME.test(name)) return { ok: false, error: 'invalid_name_specials' };
    if (this.byName(name)) return { ok: false, error: 'name_taken' };
    const channel: EmulatedChannel = { id: this.idOf(name), name, members: new Set([BOT_USER_ID]), pins: new Set(), createdAt: Date.now() };
    this.channels.set(channel.id, channel);
    return { ok: true, channel: { id: channel.id, name, is_channel: true, is_private: args.is_private === true || args.is_private === 'true', created: Math.floor(channel.createdAt / 1000) } };
  }

  invite(args: Obj): Obj {
    const channel = this.channels.get(String(args.channel ?? ''));
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!channel.members.has(BOT_USER_ID)) return { ok: false, error: 'not_in_channel' };
    const users = String(args.users ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length === 0) return { ok: false, error: 'no_user' };
    if (users.length > SLACK.MAX_INVITE_USERS) return { ok: false, error: 'too_many_users' };
    if (users.some((u) => !/^[UW][A-Z0-9]+$/.test(u))) return { ok: false, error: 'user_not_found' };
    if (users.every((u) => channel.members.has(u))) return { ok: false, error: 'already_in_channel' };
    for (const u of users) channel.members.add(u);
    return { ok: true, channel: { id: channel.id, name: channel.name } };
  }

  pin(args: Obj, channelId: string): Obj {
    const ts = String(args.timestamp ?? '');
    if (!this.messageExists(channelId, ts)) return { ok: false, error: 'message_not_found' };
    const channel = this.channels.get(channelId) ?? { id: channelId, name: channelId, members: new Set([BOT_USER_ID]), pins: new Set<string>(), createdAt: Date.now() };
    this.channels.set(channelId, channel);
    if (channel.pins.has(ts)) return { ok: false, error: 'already_pinned' };
    channel.pins.add(ts);
    return { ok: true };
  }
}
