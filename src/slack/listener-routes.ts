/**
 * Bolt runs every registered listener's middleware chain for every request it gets: with the ~30
 * listeners of this bot, that is ~30 async chains per envelope before the matching one can ack.
 * Measured with Bolt alone (a burst of 50 block_actions, nothing else running): the last ack came
 * after p99 25 ms with 30 listeners, 9 ms with one — time a busy bot spends before every ack.
 * So the listeners are registered here, the Bolt way and with Bolt's types
 * (`listeners.action(ID, fn)`), and mounted on Bolt as one listener per kind that finds the handler
 * by command, action_id or callback_id: a map lookup, then the few patterns.
 */
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { nextTurn } from './turns.js';

/** What a listener file registers on: the part of Bolt's App it uses, with Bolt's own types. */
export type Listeners = Pick<App, 'command' | 'action' | 'view' | 'event'>;

type Kind = 'command' | 'action' | 'view';
// Bolt's listener argument types differ per kind; each handler gets exactly what Bolt gave.
type Handler = (args: never) => Promise<void>;
interface RoutedArgs { ack?: () => Promise<void>; command?: { command: string }; action?: object; view?: { callback_id: string } }

export class ListenerRoutes {
  private readonly exact: Record<Kind, Map<string, Handler>> = { command: new Map(), action: new Map(), view: new Map() };
  private readonly patterns: Record<Kind, Array<{ pattern: RegExp; handler: Handler }>> = { command: [], action: [], view: [] };
  private readonly events = new Map<string, Handler>();

  /** Registration, typed as Bolt's App: the listener files read the same as with `app`. */
  readonly listeners: Listeners = {
    command: (name: unknown, ...handlers: Handler[]) => this.add('command', name, handlers),
    action: (id: unknown, ...handlers: Handler[]) => this.add('action', id, handlers),
    view: (callbackId: unknown, ...handlers: Handler[]) => this.add('view', callbackId, handlers),
    event: (type: unknown, ...handlers: Handler[]) => {
      if (typeof type !== 'string' || handlers.length !== 1 || this.events.has(type)) throw new Error(`one listener per event type, named by a string: ${String(type)}`);
      this.events.set(type, handlers[0]!);
    },
  } as unknown as Listeners;

  /** The handler for a command name, action_id or callback_id, if one is registered. */
  find(kind: Kind, key: string): Handler | undefined {
    return this.exact[kind].get(key) ?? this.patterns[kind].find((p) => p.pattern.test(key))?.handler;
  }

  /** One Bolt listener per kind (and per event type). A request nothing here handles is acknowledged, so Slack shows no error. */
  mountOn(app: App, log: Pick<Logger, 'debug'>): void {
    const dispatch = (kind: Kind, keyOf: (args: RoutedArgs) => string | undefined) => async (args: RoutedArgs) => {
      const key = keyOf(args) ?? '';
      const handler = this.find(kind, key) as ((a: RoutedArgs) => Promise<void>) | undefined;
      if (!handler) {
        log.debug({ kind, key }, 'a Slack request no listener handles; acknowledged');
        await args.ack?.();
        return;
      }
      // What a handler does after its ack waits for its turn (turns.ts), so it never holds up the next ack.
      // Bolt's ack takes the kind's own response (a view's errors, a command's text): passed on as it came.
      const ack = args.ack as ((...response: unknown[]) => Promise<void>) | undefined;
      await handler(ack ? { ...args, ack: async (...response) => { await ack(...response); await nextTurn(); } } : args);
    };
    app.command(/.*/, dispatch('command', (a) => a.command?.command));
    app.action(/.*/, dispatch('action', (a) => (a.action && 'action_id' in a.action ? String(a.action.action_id) : undefined)));
    app.view(/.*/, dispatch('view', (a) => a.view?.callback_id));
    for (const [type, handler] of this.events) app.event(type, handler as never);
  }

  private add(kind: Kind, matcher: unknown, handlers: Handler[]): void {
    if (handlers.length !== 1) throw new Error(`one handler per ${kind} listener`);
    const handler = handlers[0]!;
    if (matcher instanceof RegExp) { this.patterns[kind].push({ pattern: matcher, handler }); return; }
    if (typeof matcher !== 'string') throw new Error(`a ${kind} listener is named by a string or a RegExp`);
    if (this.exact[kind].has(matcher)) throw new Error(`two ${kind} listeners for ${matcher}`);
    this.exact[kind].set(matcher, handler);
  }
}
