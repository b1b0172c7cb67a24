/**
 * Where a button's answer goes: a click in a message (the ephemeral preview) replaces that
 * message through its response_url; a click inside a modal updates the modal (views.update —
 * there is no response_url there). Handlers call `reply(message)` and stay the same for both.
 * Also the typed doors to views.open / views.update / views.publish for the pure view builders.
 */
import type { RespondFn, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Respond } from './access/gatekeeper.js';
import type { SlackMessage } from './messages/blocks.js';
import { modal, type HomeView, type ModalView } from './messages/views.js';

type ViewArg = Parameters<webApi.WebClient['views']['open']>[0]['view'];
/** The pure builders' views as web-api's View type (Block Kit typed loosely on our side). */
export const asView = (v: ModalView | HomeView) => v as unknown as ViewArg;

export type Reply = (message: SlackMessage) => Promise<void>;

/** Where a permission refusal goes: the clicked message's response_url (kept beside it), or the modal. */
export function refusalTo(body: ClickBody, respond: RespondFn | undefined, reply: Reply): Respond {
  if (body.container?.type === 'view' || !respond) return async (m) => reply(m);
  return respond as Respond;
}

interface ClickBody { container?: Record<string, unknown>; view?: { id: string } }

export function replyTo(body: ClickBody, respond: RespondFn, client: webApi.WebClient, log: Logger, title: string): Reply {
  const viewId = body.container?.type === 'view' ? body.view?.id : undefined;
  if (viewId) {
    return async (m) => {
      await updateView(client, viewId, modal({ title, close: 'Close', blocks: m.blocks ?? [] })).catch((err: unknown) => log.warn({ err }, 'could not update the modal'));
    };
  }
  return async (m) => {
    await respond({ replace_original: true, ...m }).catch((err: unknown) => log.warn({ err }, 'could not answer the click'));
  };
}

export async function openView(client: webApi.WebClient, triggerId: string, view: ModalView): Promise<string> {
  const opened = await client.views.open({ trigger_id: triggerId, view: asView(view) });
  return String(opened.view?.id ?? '');
}

export async function updateView(client: webApi.WebClient, viewId: string, view: ModalView): Promise<void> {
  await client.views.update({ view_id: viewId, view: asView(view) });
}

export async function publishHome(client: webApi.WebClient, userId: string, view: HomeView): Promise<void> {
  await client.views.publish({ user_id: userId, view: asView(view) });
}
