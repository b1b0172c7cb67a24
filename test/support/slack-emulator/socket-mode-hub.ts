/**
 * Slack's side of Socket Mode: accepts the app's WebSocket, says `hello`, pings it (the client
 * drops a connection that Slack stops pinging), and delivers envelopes — slash commands and
 * interactive payloads — waiting for the app's ack with the same `envelope_id`. An envelope not
 * acknowledged within ACK_DEADLINE_MS fails as the user would see it: "operation_timeout".
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { documentedNumbers } from './documented-limits.js';
import type { Refusal } from './slack-rules.js';
import type { WebApiState } from './web-api.js';
import { ServerWebSocket } from './websocket-server.js';

type Obj = Record<string, unknown>;

export interface Ack { envelopeId: string; payload: Obj; ms: number }

export interface SlashCommandInput { command: string; text: string; userId?: string; userName?: string; channelId?: string }

export interface Delivered { ack: Ack; responseUrl: string; triggerId: string }

/** What a view submission's ack did to the modal: updated (or refused, as Slack would show an error), errors shown, or closed. */
export interface Submitted { ack: Ack; outcome: 'updated' | 'errors' | 'closed'; refused: Refusal | null }

/** A user's answers in a modal, as Slack sends them: block_id → action_id → value. */
export type ViewValues = Record<string, Record<string, Obj>>;

const { ACK_DEADLINE_MS } = documentedNumbers(['ACK_DEADLINE_MS'] as const);
const TEAM = { id: 'T0EMULATOR', domain: 'emulator' };

export class SocketModeHub {
  private readonly sockets = new Set<ServerWebSocket>();
  private readonly waiting = new Map<string, (ack: Ack) => void>();
  private readonly sentAt = new Map<string, number>();
  private pinger: NodeJS.Timeout | undefined;

  constructor(private readonly newResponseUrl: (id: string) => string, private readonly slack: WebApiState) {}

  upgrade(req: IncomingMessage, socket: Duplex): void {
    const ws = ServerWebSocket.accept(req, socket, (text) => this.received(text), () => this.sockets.delete(ws!));
    if (!ws) { socket.destroy(); return; }
    this.sockets.add(ws);
    ws.sendText(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'emulator' }, connection_info: { app_id: 'A0RIPCORD' } }));
    this.pinger ??= setInterval(() => { for (const s of this.sockets) s.ping(); }, 5_000);
    this.pinger.unref();
  }

  get connections(): number { return this.sockets.size; }

  /** Resolves once an app is connected (Bolt's `start()` returned or is about to). */
  async connected(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size === 0) {
      if (Date.now() > deadline) throw new Error('no Socket Mode connection from the app');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends one envelope to one connected app and waits for its ack. */
  async deliver(type: 'slash_commands' | 'interactive' | 'events_api', payload: Obj): Promise<Ack> {
    const [socket] = this.sockets;
    if (!socket) throw new Error('no app connected over Socket Mode');
    const envelopeId = randomBytes(8).toString('hex');
    const acked = new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting.delete(envelopeId); reject(new Error(`operation_timeout: no ack within ${ACK_DEADLINE_MS} ms for ${type}`)); }, ACK_DEADLINE_MS);
      this.waiting.set(envelopeId, (ack) => { clearTimeout(timer); resolve(ack); });
    });
    this.sentAt.set(envelopeId, performance.now());
    socket.sendText(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }));
    return acked;
  }

  async slashCommand(input: SlashCommandInput): Promise<Delivered> {
    const id = randomBytes(6).toString('hex');
    const responseUrl = this.newResponseUrl(id);
    const triggerId = this.slack.issueTrigger(input.userId ?? 'U0ALICE');
    const ack = await this.deliver('slash_commands', {
      token: 'deprecated', team_id: TEAM.id, team_domain: TEAM.domain, channel_id: input.channelId ?? 'C0COMMANDS', channel_name: 'ops',
      user_id: input.userId ?? 'U0ALICE', user_name: input.userName ?? 'alice', command: input.command, text: input.text,
      api_app_id: 'A0RIPCORD', is_enterprise_install: 'false', response_url: responseUrl, trigger_id: triggerId,
    });
    return { ack, responseUrl, triggerId };
  }

  /**
   * A click on a button: of an ephemeral message (the preview; with that message's response_url),
   * of an open modal (`viewId`: no response_url, as in Slack) or of the Home tab (`homeOf`: a user ID).
   */
  async clickButton(input: { button: Obj; blockId: string; userId?: string; channelId?: string; responseUrl?: string; viewId?: string; homeOf?: string }): Promise<Delivered> {
    const userId = input.userId ?? input.homeOf ?? 'U0ALICE';
    const triggerId = this.slack.issueTrigger(userId);
    const channel = input.channelId ?? 'C0COMMANDS';
    const button = input.button as { action_id: string; value?: string; text: Obj };
    const base = {
      type: 'block_actions', api_app_id: 'A0RIPCORD', token: 'deprecated', trigger_id: triggerId,
      user: { id: userId, username: 'alice', name: 'alice', team_id: TEAM.id }, team: TEAM,
      actions: [{ type: 'button', action_id: button.action_id, block_id: input.blockId, text: button.text, value: button.value, action_ts: `${Date.now() / 1000}` }],
    };
    const modal = input.viewId ? this.slack.modals.get(input.viewId) : undefined;
    if (input.viewId && !modal?.open) throw new Error(`no open modal ${input.viewId}`);
    if (modal) {
      const ack = await this.deliver('interactive', { ...base, container: { type: 'view', view_id: modal.id }, view: this.slack.viewOutput(modal), state: { values: {} } });
      return { ack, responseUrl: '', triggerId };
    }
    if (input.homeOf) {
      const home = this.slack.homes.get(input.homeOf);
      if (!home) throw new Error(`no Home tab published for ${input.homeOf}`);
      const ack = await this.deliver('interactive', { ...base, container: { type: 'view', view_id: 'VHOME' }, view: { ...home, id: 'VHOME', state: { values: {} } } });
      return { ack, responseUrl: '', triggerId };
    }
    const responseUrl = input.responseUrl ?? this.newResponseUrl(randomBytes(6).toString('hex'));
    const ack = await this.deliver('interactive', {
      ...base, response_url: responseUrl,
      container: { type: 'message', message_ts: `${Math.floor(Date.now() / 1000)}.000001`, channel_id: channel, is_ephemeral: true },
      channel: { id: channel, name: 'ops' }, state: { values: {} },
    });
    return { ack, responseUrl, triggerId };
  }

  /**
   * The user presses a modal's submit button: a view_submission with their answers; the app's ack
   * decides what Slack does — `response_action: update` replaces the modal (under the same rules
   * as views.update), `errors` shows messages beside the inputs, anything else closes it.
   */
  async submitView(input: { viewId: string; values: ViewValues; userId?: string }): Promise<Submitted> {
    const modal = this.slack.modals.get(input.viewId);
    if (!modal?.open) throw new Error(`no open modal ${input.viewId}`);
    if (!modal.view.submit) throw new Error('this modal has no submit button');
    const userId = input.userId ?? 'U0ALICE';
    const ack = await this.deliver('interactive', {
      type: 'view_submission', api_app_id: 'A0RIPCORD', token: 'deprecated', trigger_id: this.slack.issueTrigger(userId),
      user: { id: userId, username: 'alice', name: 'alice', team_id: TEAM.id }, team: TEAM, view: this.slack.viewOutput(modal, input.values), response_urls: [],
    });
    const action = ack.payload.response_action;
    if (action === 'update') {
      const refused = this.slack.replaceModal(modal, ack.payload.view);
      return { ack, outcome: 'updated', refused };
    }
    if (action === 'errors') return { ack, outcome: 'errors', refused: null };
    modal.open = false;
    return { ack, outcome: 'closed', refused: null };
  }

  /** The user opens the app's Home tab: an `app_home_opened` event (Bolt acknowledges events itself). */
  async appHomeOpened(userId = 'U0ALICE'): Promise<Ack> {
    const now = Date.now() / 1000;
    return this.deliver('events_api', {
      token: 'deprecated', team_id: TEAM.id, api_app_id: 'A0RIPCORD', type: 'event_callback', event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`, event_time: Math.floor(now),
      event: { type: 'app_home_opened', user: userId, channel: 'D0RIPCORD', tab: 'home', event_ts: `${now}` },
    });
  }

  /** Drops every app connection without a close frame, as a network failure would. */
  dropConnections(): void { for (const s of this.sockets) s.destroy(); }

  closeAll(): void {
    clearInterval(this.pinger);
    for (const s of this.sockets) s.close();
    for (const resolve of this.waiting.values()) resolve({ envelopeId: '', payload: {}, ms: -1 });
  }

  private received(text: string): void {
    let message: { envelope_id?: string; payload?: Obj };
    try { message = JSON.parse(text) as typeof message; } catch { return; }
    const id = message.envelope_id;
    const resolve = id ? this.waiting.get(id) : undefined;
    if (!id || !resolve) return;
    this.waiting.delete(id);
    resolve({ envelopeId: id, payload: message.payload ?? {}, ms: performance.now() - (this.sentAt.get(id) ?? 0) });
  }
}
