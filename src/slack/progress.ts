/**
 * One live message per operation: posted in the environment's channel when the operation is
 * submitted, then updated in place from its event stream. Updates are coalesced — at most one in
 * flight, at most one per UPDATE_INTERVAL_MS (chat.update is ~50/min), the newest state wins —
 * and a 429 waits its `Retry-After`. The final state is retried until Slack takes it (bounded by
 * FINAL_DEADLINE_MS), then the failure details go into the message's thread.
 *
 * With a ledger (live-message-ledger.ts), every message not finished yet is remembered in Redis:
 * a bot that starts again — or another bot, once this one's lease expired — resumes it, reading
 * the story from its first event and updating the same message in place.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEvent } from '../operations/service-report.js';
import type { AuditInput } from './access/audit-trail.js';
import { LEASE_MS, type LiveMessageLedger, type LiveMessageRecord, type TrackedAudit } from './live-message-ledger.js';
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
  /** What the operation's started and finished entries in the audit trail say (none when absent). */
  audit?: TrackedAudit;
}

export type Follow = (operationId: string, signal: AbortSignal) => AsyncIterable<OperationEvent>;

export interface ProgressOptions {
  /** Remembers unfinished messages in Redis so they are resumed after a restart. */
  ledger?: LiveMessageLedger;
  /** Writes an audit entry (the started and finished of an operation followed here). */
  audit?: (entry: AuditInput) => Promise<void>;
}

export class ProgressMessages {
  private readonly tracking = new Map<string, Promise<OperationView | null>>();
  private readonly stopping = new AbortController();

  constructor(private readonly client: webApi.WebClient, private readonly follow: Follow, private readonly log: Logger, private readonly options: ProgressOptions = {}) {}

  /** Starts the message of an operation once per operation; resolves with its final view. */
  track(req: TrackRequest): Promise<OperationView | null> {
    return this.start({ ...req, ts: null, since: Date.now() });
  }

  /** Takes up every unfinished message that no bot follows now (its lease is free); how many it took. */
  async resume(): Promise<number> {
    const { ledger } = this.options;
    if (!ledger) return 0;
    let taken = 0;
    for (const record of await ledger.unfinished()) {
      if (this.stopping.signal.aborted || this.tracking.has(record.operationId)) continue;
      if (!(await ledger.claim(record.operationId))) continue;
      this.log.info({ operation: record.operationId }, 'resuming the live message of an unfinished operation');
      void this.start(record, true);
      taken++;
    }
    return taken;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.tracking.values());
  }

  /** `leased`: resume() has just taken the lease; a new message takes it in run(). */
  private start(record: LiveMessageRecord, leased = false): Promise<OperationView | null> {
    let running = this.tracking.get(record.operationId);
    if (!running) {
      running = this.run(record, leased).catch((err: unknown) => { this.log.error({ err, operation: record.operationId }, 'progress message stopped'); return null; });
      this.tracking.set(record.operationId, running);
    }
    return running;
  }

  private async run(first: LiveMessageRecord, leased: boolean): Promise<OperationView> {
    const { ledger } = this.options;
    let record = first;
    // A message whose lease this bot lost (Redis out of reach for longer than the lease, and
    // another bot took the message over) is left to that bot: two bots must not both finish it.
    const lost = new AbortController();
    const signal = AbortSignal.any([this.stopping.signal, lost.signal]);
    const remember = () => (lost.signal.aborted ? undefined : ledger?.remember(record).catch((err: unknown) => this.log.warn({ err }, 'could not remember a live message')));
    const renew = () => ledger?.claim(record.operationId).then((ours) => {
      if (ours || lost.signal.aborted) return;
      this.log.warn({ operation: record.operationId }, 'another bot took over this live message (this one lost its lease); leaving it to that bot');
      lost.abort();
    }, () => undefined);
    if (!leased) await renew();
    await remember();
    const renewing = setInterval(() => void renew(), (ledger?.leaseMs ?? LEASE_MS) / 3);
    renewing.unref();
    try {
      let view = initialView(record.operationId, record.environment, record.title, record.requestedBy);
      if (!record.ts) {
        const posted = await this.send(() => this.client.chat.postMessage({ channel: record.channel, ...operationMessage(view) }), Date.now() + FINAL_DEADLINE_MS);
        if (!posted?.ts) return await this.ended(record, view);
        record = { ...record, channel: String(posted.channel ?? record.channel), ts: String(posted.ts) };
        await remember();
      }
      const { channel, ts } = { channel: record.channel, ts: record.ts as string };
      const updater = new CoalescedUpdate((m) => this.send(() => this.client.chat.update({ channel, ts, ...m }), Date.now() + FINAL_DEADLINE_MS), signal);
      for await (const event of this.follow(record.operationId, signal)) {
        view = foldEvent(view, event);
        const audited = this.audited(record, event);
        if (audited !== record) { record = audited; await remember(); }
        updater.set(operationMessage(view));
      }
      if (lost.signal.aborted) return view;
      await updater.flush();
      const details = threadDetails(view);
      if (details && !this.stopping.signal.aborted) await this.send(() => this.client.chat.postMessage({ channel, thread_ts: ts, ...details }), Date.now() + FINAL_DEADLINE_MS);
      return await this.ended(record, view);
    } finally {
      clearInterval(renewing);
    }
  }

  /** Stopped midway: the lease goes (the next bot resumes at once); otherwise the message is done. */
  private async ended(record: LiveMessageRecord, view: OperationView): Promise<OperationView> {
    const { ledger } = this.options;
    const done = ledger && !this.stopping.signal.aborted ? ledger.forget(record.operationId) : ledger?.release(record.operationId);
    await done?.catch((err: unknown) => this.log.warn({ err }, 'could not update the live-message ledger'));
    return view;
  }

  /** Audits the operation's start (once, even across a resume) and its end. */
  private audited(record: LiveMessageRecord, event: OperationEvent): LiveMessageRecord {
    const { audit: write } = this.options;
    if (!write || !record.audit) return record;
    const { approvedBy, ...base } = record.audit;
    if (event.type === 'started' && !record.startedAudited) {
      void write({ ...base, event: 'started', detail: approvedBy ? `approved by ${approvedBy}; executor ${event.executor}` : `executor ${event.executor}` });
      return { ...record, startedAudited: true };
    }
    if (event.type === 'report') void write({ ...base, event: 'finished', detail: event.report.outcome });
    return record;
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
