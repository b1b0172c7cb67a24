/**
 * Slack's side of HTTP mode: slash commands and button clicks POSTed to the app's
 * `/slack/events`, signed the way Slack signs them (v0 HMAC-SHA256 of `v0:{ts}:{body}` with the
 * signing secret), with response_urls minted by the emulator — plus the raw `post` a test uses to
 * send forged, old or replayed requests.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SlackEmulator } from './slack-emulator.js';

type Obj = Record<string, unknown>;

export const SIGNING_SECRET = 'e2e0f1c3a5b7d9e1f3a5b7c9d1e3f5a7';

export interface SignedRequest { body: string; timestamp: string; signature: string }
export interface Sent { status: number; responseUrl: string; request: SignedRequest }

export function sign(body: string, timestamp = String(Math.floor(Date.now() / 1000)), secret = SIGNING_SECRET): SignedRequest {
  return { body, timestamp, signature: `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}` };
}

export class SignedSlack {
  constructor(private readonly url: string, private readonly emulator: SlackEmulator) {}

  /** POSTs exactly these bytes and headers; returns the HTTP status. */
  async post(r: SignedRequest): Promise<number> {
    const res = await fetch(this.url, {
      method: 'POST', body: r.body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': r.signature, 'x-slack-request-timestamp': r.timestamp },
    });
    await res.arrayBuffer();
    return res.status;
  }

  slashCommandBody(input: { command: string; text: string; userId: string; userName: string; channelId?: string }): { body: string; responseUrl: string } {
    const responseUrl = this.emulator.newResponseUrl(randomBytes(6).toString('hex'));
    const body = new URLSearchParams({
      token: 'deprecated', team_id: 'T0EMULATOR', team_domain: 'emulator', channel_id: input.channelId ?? 'C0COMMANDS', channel_name: 'ops',
      user_id: input.userId, user_name: input.userName, command: input.command, text: input.text, api_app_id: 'A0RIPCORD',
      is_enterprise_install: 'false', response_url: responseUrl, trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    }).toString();
    return { body, responseUrl };
  }

  async slashCommand(input: { command: string; text: string; userId: string; userName: string; channelId?: string }): Promise<Sent> {
    const { body, responseUrl } = this.slashCommandBody(input);
    const request = sign(body);
    return { status: await this.post(request), responseUrl, request };
  }

  clickBody(input: { button: Obj; blockId: string; userId: string; userName: string; channelId?: string; responseUrl?: string; messageTs?: string; ephemeral?: boolean }): { body: string; responseUrl: string } {
    const responseUrl = input.responseUrl ?? this.emulator.newResponseUrl(randomBytes(6).toString('hex'));
    const channel = input.channelId ?? 'C0COMMANDS';
    const button = input.button as { action_id: string; value?: string; text: Obj };
    const payload = {
      type: 'block_actions', api_app_id: 'A0RIPCORD', token: 'deprecated', trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`, response_url: responseUrl,
      user: { id: input.userId, username: input.userName, name: input.userName, team_id: 'T0EMULATOR' }, team: { id: 'T0EMULATOR', domain: 'emulator' },
      container: { type: 'message', message_ts: input.messageTs ?? `${Math.floor(Date.now() / 1000)}.000001`, channel_id: channel, is_ephemeral: input.ephemeral ?? true },
      channel: { id: channel, name: 'ops' }, state: { values: {} },
      actions: [{ type: 'button', action_id: button.action_id, block_id: input.blockId, text: button.text, value: button.value, action_ts: `${Date.now() / 1000}` }],
    };
    return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), responseUrl };
  }

  async click(input: Parameters<SignedSlack['clickBody']>[0]): Promise<Sent> {
    const { body, responseUrl } = this.clickBody(input);
    const request = sign(body);
    return { status: await this.post(request), responseUrl, request };
  }
}
