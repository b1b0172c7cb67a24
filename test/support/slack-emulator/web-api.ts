/**
 * The Web API methods the bot calls, answering as Slack does: `{ ok: true, … }` or
 * `{ ok: false, error }` with HTTP 200, tokens checked by kind (xoxb- for the bot, xapp- for
 * apps.connections.open), channels addressed by name resolved to IDs, messages kept by ts so a
 * test reads the latest state of every message after all its updates.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Conversations } from './conversations.js';
import { documentedNumbers } from './documented-limits.js';
import { checkMessage, checkView, type Refusal } from './slack-rules.js';

type Obj = Record<string, unknown>;

const { TRIGGER_ID_TTL_MS } = documentedNumbers(['TRIGGER_ID_TTL_MS'] as const);

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  attachments?: Obj[];
  updates: number;
}

export interface EphemeralMessage { channel: string; user: string; body: Obj }
export interface PublishedView { userId: string; view: Obj }

/** A modal as Slack keeps it: open until closed, replaced by views.update or a submission's `response_action: update`. */
export interface OpenView { id: string; hash: string; userId: string; view: Obj; open: boolean; updates: number }

export const BOT_TOKEN = 'xoxb-emulator-bot-token';
export const APP_TOKEN = 'xapp-emulator-app-token';

export class WebApiState {
  readonly messages: StoredMessage[] = [];
  readonly ephemeral: EphemeralMessage[] = [];
  readonly views: PublishedView[] = [];
  /** User groups (S…) and their members, for usergroups.users.list; tests fill it. */
  readonly userGroups = new Map<string, string[]>();
  readonly conversations = new Conversations((name) => WebApiState.channelId(name), (channel, ts) => this.find(channel, ts) !== undefined);
  /** Direct message channel ID → the user it reaches. */
  readonly dms = new Map<string, string>();
  /** Modals by view ID. */
  readonly modals = new Map<string, OpenView>();
  /** The Home tab of each user, as last published. */
  readonly homes = new Map<string, Obj>();
  private readonly triggers = new Map<string, { issuedAt: number; userId: string; used: boolean }>();
  private seq = 0;

  constructor(private readonly socketUrl: () => string) {}

  /** Channel ID for a name or an ID, as Slack resolves `#deploys` or `deploys`. */
  static channelId(channel: string): string {
    if (/^[CGD][A-Z0-9]{6,}$/.test(channel)) return channel;
    return `C${createHash('sha1').update(channel.replace(/^#/, '')).digest('hex').slice(0, 9).toUpperCase()}`;
  }

  /** The whole answer for one call; `token` from the Authorization header or the body. */
  handle(method: string, token: string, args: Obj): Obj {
    if (method === 'apps.connections.open') return token === APP_TOKEN ? { ok: true, url: this.socketUrl() } : { ok: false, error: 'invalid_auth' };
    if (token !== BOT_TOKEN) return { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    switch (method) {
      case 'auth.test': return { ok: true, url: 'https://emulator.slack.invalid/', team: 'Emulator', user: 'ripcord', team_id: 'T0EMULATOR', user_id: 'U0RIPCORD', bot_id: 'B0RIPCORD', is_enterprise_install: false };
      case 'conversations.open': return this.openDm(args);
      case 'chat.postMessage': return this.post(args);
      case 'chat.update': return this.update(args);
      case 'chat.postEphemeral': return this.postEphemeral(args);
      case 'views.open': return this.openView(args);
      case 'views.update': return this.updateView(args);
      case 'views.publish': return this.publishView(args);
      case 'usergroups.users.list': return this.userGroupMembers(args);
      case 'conversations.create': return this.conversations.create(args);
      case 'conversations.invite': return this.conversations.invite(args);
      case 'pins.add': return this.conversations.pin(args, WebApiState.channelId(String(args.channel ?? '')));
      default: return { ok: false, error: 'unknown_method' };
    }
  }

  /** A direct message channel per user, as Slack returns it: D + a stable ID. */
  private openDm(args: Obj): Obj {
    const users = String(args.users ?? '').split(',').filter(Boolean);
    if (users.length !== 1 || !/^[UW][A-Z0-9]+$/.test(users[0]!)) return { ok: false, error: users.length ? 'user_not_found' : 'users_list_not_supplied' };
    const id = `D${createHash('sha1').update(users[0]!).digest('hex').slice(0, 9).toUpperCase()}`;
    this.dms.set(id, users[0]!);
    return { ok: true, channel: { id } };
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private post(args: Obj): Obj {
    if (typeof args.channel !== 'string' || !args.channel) return { ok: false, error: 'channel_not_found' };
    const refused = checkMessage(args);
    if (refused) return { ok: false, error: refused.error, response_metadata: { messages: [`[ERROR] ${refused.detail}`] } };
    const channel = WebApiState.channelId(args.channel);
    if (typeof args.thread_ts === 'string' && !this.find(channel, args.thread_ts)) return { ok: false, error: 'thread_not_found' };
    const message: StoredMessage = { channel, ts: this.nextTs(), text: String(args.text ?? ''), updates: 0, ...shape(args) };
    if (typeof args.thread_ts === 'string') message.threadTs = args.thread_ts;
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } };
  }

  private update(args: Obj): Obj {
    const found = typeof args.channel === 'string' && typeof args.ts === 'string' ? this.find(args.channel, args.ts) : undefined;
    if (!found) return { ok: false, error: 'message_not_found' };
    const refused = checkMessage(args);
    if (refused) return { ok: false, error: refused.error, response_metadata: { messages: [`[ERROR] ${refused.detail}`] } };
    Object.assign(found, { text: String(args.text ?? ''), blocks: undefined, attachments: undefined }, shape(args));
    found.updates += 1;
    return { ok: true, channel: found.channel, ts: found.ts, text: found.text };
  }

  private postEphemeral(args: Obj): Obj {
    if (typeof args.user !== 'string' || typeof args.channel !== 'string') return { ok: false, error: 'user_not_in_channel' };
    const refused = checkMessage(args);
    if (refused) return { ok: false, error: refused.error };
    this.ephemeral.push({ channel: WebApiState.channelId(args.channel), user: args.user, body: args });
    return { ok: true, message_ts: this.nextTs() };
  }

  /** A trigger_id for an interaction (slash command, click, submission): valid TRIGGER_ID_TTL_MS, for one views.open. */
  issueTrigger(userId: string): string {
    const id = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    this.triggers.set(id, { issuedAt: Date.now(), userId, used: false });
    return id;
  }

  private openView(args: Obj): Obj {
    const trigger = typeof args.trigger_id === 'string' ? this.triggers.get(args.trigger_id) : undefined;
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (Date.now() - trigger.issuedAt > TRIGGER_ID_TTL_MS) return { ok: false, error: 'expired_trigger_id' };
    const view = parse(args.view);
    const refused = checkView(view) ?? ((view as Obj).type === 'modal' ? null : { error: 'invalid_arguments', detail: 'views.open takes a modal' });
    if (refused) return refusal(refused);
    trigger.used = true;
    const stored: OpenView = { id: `V${this.nextTs().replace('.', '')}`, hash: this.nextTs(), userId: trigger.userId, view: view as Obj, open: true, updates: 0 };
    this.modals.set(stored.id, stored);
    this.views.push({ userId: trigger.userId, view: view as Obj });
    return { ok: true, view: this.viewOutput(stored) };
  }

  private updateView(args: Obj): Obj {
    const stored = typeof args.view_id === 'string' ? this.modals.get(args.view_id) : undefined;
    if (!stored || !stored.open) return { ok: false, error: 'not_found' };
    if (typeof args.hash === 'string' && args.hash !== stored.hash) return { ok: false, error: 'hash_conflict' };
    const refused = this.replaceModal(stored, parse(args.view));
    return refused ? refusal(refused) : { ok: true, view: this.viewOutput(stored) };
  }

  /** views.update, or a view_submission answered with `response_action: update`. */
  replaceModal(stored: OpenView, view: unknown): Refusal | null {
    const refused = checkView(view) ?? ((view as Obj).type === 'modal' ? null : { error: 'invalid_arguments', detail: 'a modal can only become another modal' });
    if (refused) return refused;
    stored.view = view as Obj;
    stored.hash = this.nextTs();
    stored.updates += 1;
    return null;
  }

  /** The `view` object Slack sends in interactions and answers with: the stored view plus its ID, hash and state. */
  viewOutput(stored: OpenView, values: Obj = {}): Obj {
    return { ...stored.view, id: stored.id, hash: stored.hash, team_id: 'T0EMULATOR', app_id: 'A0RIPCORD', bot_id: 'B0RIPCORD', state: { values }, private_metadata: stored.view.private_metadata ?? '', callback_id: stored.view.callback_id ?? '' };
  }

  private publishView(args: Obj): Obj {
    if (typeof args.user_id !== 'string' || !args.user_id) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] user_id is required'] } };
    const view = parse(args.view);
    const refused = checkView(view) ?? ((view as Obj).type === 'home' ? null : { error: 'invalid_arguments', detail: 'views.publish takes a home view' });
    if (refused) return refusal(refused);
    this.homes.set(args.user_id, view as Obj);
    this.views.push({ userId: args.user_id, view: view as Obj });
    return { ok: true, view: { ...(view as Obj), id: `V${this.nextTs().replace('.', '')}` } };
  }

  private userGroupMembers(args: Obj): Obj {
    const users = typeof args.usergroup === 'string' ? this.userGroups.get(args.usergroup) : undefined;
    return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    const id = WebApiState.channelId(channel);
    return this.messages.find((m) => m.channel === id && m.ts === ts);
  }
}

function refusal(r: Refusal): Obj {
  return { ok: false, error: r.error, response_metadata: { messages: [`[ERROR] ${r.detail}`] } };
}

function shape(args: Obj): Pick<StoredMessage, 'blocks' | 'attachments'> {
  const out: Pick<StoredMessage, 'blocks' | 'attachments'> = {};
  if (Array.isArray(args.blocks)) out.blocks = args.blocks;
  if (Array.isArray(args.attachments)) out.attachments = args.attachments as Obj[];
  return out;
}

/** web-api sends complex arguments as JSON strings inside a form body. */
export function parse(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try { return JSON.parse(value); } catch { return value; }
}
