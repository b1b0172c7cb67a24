/**
 * One live message per operation: posted in the environment's channel when the operation is
 * submitted, then updated in place from its event stream. Updates are coalesced — at most one in
 * flight, at most one per UPDATE_INTERVAL_MS (chat.update is ~50/min), the newest state wins —
 * and a 429 waits its `Retry-After`. The final state is retried until Slack takes it (bounded by
 * FINAL_DEADLINE_MS), then the failure details go into the message's thread.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEvent } from '../operations/service-report.js';
import type { SlackMessage } from './messages/blocks.js';
import { operationMessage, threadDetails } from './messages/operation-message.js';
import { foldEvent, initialView, type OperationView } from './messages/operation-view.js';

export const UPDATE_INTERVAL_MS = 1_200;
const FINAL_DEADLINE_MS = 30 * 60 * 1000;
const pause = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

export interface TrackRequest {
  operationId: string; environment: string; channel: string; title: string; requestedBy: string;
  /** Sees every event of the operation as it arrives (the audit trail records started and finished). */
  onEvent?: (event: OperationEvent) => void;
}

export type Follow = (operationId: string, signal: AbortSignal) => AsyncIterable<OperationEvent>;

export class ProgressMessages {
  private readonly tracking = new Map<string, Promise<OperationView | null>>();
  private readonly stopping = new AbortController();

  constructor(private readonly client: webApi.WebClient, private readonly follow: Follow, private readonly log: Logger) {}

  /** Starts the message of an operation once per operation; resolves with its final view. */
  track(req: TrackRequest): Promise<OperationView | null> {
    let running = this.tracking.get(req.operationId);
    if (!running) {
      running = this.run(req).catch((err: unknown) => { this.log.error({ err, operation: req.operationId }, 'progress message stopped'); return null; });
      this.tracking.set(req.operationId, running);
    }
    return running;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.tracking.values());
  }

  private async run(req: TrackRequest): Promise<OperationView> {
    let view = initialView(req.operationId, req.environment, req.title, req.requestedBy);
    const posted = await this.send(() => this.client.chat.postMessage({ channel: req.channel, ...operationMessage(view) }), Date.now() + FINAL_DEADLINE_MS);
    const channel = String(posted?.channel ?? req.channel);
    const ts = String(posted?.ts ?? '');
    if (!ts) return view;
    const updater = new CoalescedUpdate((m) => this.send(() => this.client.chat.update({ channel, ts, ...m }), Date.now() + FINAL_DEADLINE_MS), this.stopping.signal);
    for await (const event of this.follow(req.operationId, this.stopping.signal)) {
      view = foldEvent(view, event);
      req.onEvent?.(event);
      updater.set(operationMessage(view));
    }
    await updater.flush();
    const details = threadDetails(view);
    if (details) await this.send(() => this.client.chat.postMessage({ channel, thread_ts: ts, ...details }), Date.now() + FINAL_DEADLINE_MS);
    return view;
  }

  /** One Web API call, retried after a 429's Retry-After or a transient error until `deadline`; null if it never went through. */
  private async send<T>(call: () => Promise<T>, deadline: number): Promise<T | null> {
    for (let attempt = 0; Date.now() < deadline && !this.stopping.signal.aborted; attempt++) {
      try {
        return await call();
      } catch (error) {
        const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
        if (e.code === webApi.ErrorCode.RateLimitedError) { await pause((e.retryAfter ?? 1) * 1000, this.stopping.signal); continue; }
        if (e.code === webApi.ErrorCode.PlatformError) { this.log.error({ err: e.data?.error }, 'Slack refused a progress message'); return null; }
        this.log.warn({ err: error }, 'Slack did not answer; retrying the progress message');
        await pause(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)), this.stopping.signal);
      }
    }
    return null;
  }
}

/** The newest message wins: set() replaces what waits; one send at a time, spaced UPDATE_INTERVAL_MS. */
class CoalescedUpdate {
  private pending: SlackMessage | null = null;
  private pump: Promise<void> | null = null;
  private lastSent = 0;

  constructor(private readonly sendOne: (m: SlackMessage) => Promise<unknown>, private readonly signal: AbortSignal) {}

  set(message: SlackMessage): void {
    this.pending = message;
    this.pump ??= this.drain().finally(() => { this.pump = null; });
  }

  async flush(): Promise<void> {
    while (this.pump) await this.pump;
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const wait = this.lastSent + UPDATE_INTERVAL_MS - Date.now();
      if (wait > 0) await pause(wait, this.signal);
      const message = this.pending;
      this.pending = null;
      this.lastSent = Date.now();
      await this.sendOne(message);
    }
  }
}
