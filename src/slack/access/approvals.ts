/**
 * Approval requests waiting in the deploy channel, kept in Redis under redis.prefix, so that a
 * restarted bot — or a second bot on the same Redis — knows every pending request: the operation
 * to submit once approved (names, refs and who asked: an OperationRequest holds no secrets), where
 * the request message is, when it expires. The scripts in approval-scripts.ts make each step
 * atomic across bots: a double click asks once, the first decision wins (a second Approve is told
 * who decided), and an expiry beats a click that comes at or after it. Any running bot expires
 * overdue requests (a sweep every few seconds, sooner for the nearest expiry) — also those a bot
 * that is gone made — and only the bot whose script recorded an expiry reports it, so it is
 * audited and shown once. Decided and expired requests are kept RETAIN_MS, so a late click hears
 * what happened; then Redis drops them. With Redis down, holding or deciding fails at once with an
 * 'unavailable' error that names the fix: nobody is told "waiting for approval" that is not so.
 * The operation's request ID comes from the preview, so even two racing approvals submit it once;
 * an approval of a preview that no longer holds (the environment changed while it waited) submits
 * nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SlackAction } from '../../config/schema.js';
import { ExitCode, RipcordError } from '../../domain/errors.js';
import type { OperationRequest } from '../../operations/request.js';
import { DECIDE, HOLD, REMEMBER_MESSAGE } from './approval-scripts.js';
import type { SlackUser } from './permission-rules.js';

export interface HeldOperation {
  action: SlackAction;
  environment: string;
  /** The ref, the rollback target or the backup: what the audit calls the target. */
  target: string;
  /** In words for the messages: "deploy `v1.2.0`". */
  what: string;
  /** The progress message title: "deploy v1.2.0". */
  title: string;
  request: OperationRequest;
  requester: SlackUser;
  /** The channel the request came from. */
  channel: string;
  /** The live release the confirmed preview showed (undefined: no preview to hold to); checked again on Approve. */
  shownFromSha?: string | null;
}

export interface Approval {
  id: string;
  op: HeldOperation;
  expiresAt: number;
  message: { channel: string; ts: string } | null;
  decided: { kind: 'approved' | 'denied' | 'expired'; by: SlackUser | null } | null;
}

export type Decision =
  | { kind: 'decided'; approval: Approval }
  | { kind: 'already'; approval: Approval }
  | { kind: 'expired'; approval: Approval }
  | { kind: 'unknown' };

/** How long a decided or expired request is kept, so that a late click is told what happened. */
export const RETAIN_MS = 10 * 60_000;
/** A pending request no bot expired (none ran for a day past its expiry) is dropped by Redis itself. */
const ABANDONED_MS = 24 * 60 * 60_000;
const SWEEP_MS = 5_000;
const SWEEP_BATCH = 100;

export interface ApprovalBookOptions {
  now?: () => number;
  /** The longest wait between two sweeps for overdue requests. */
  sweepMs?: number;
  retainMs?: number;
  log?: Pick<Logger, 'warn'>;
}

/** What every script answers: its status, then the approval's fields (null when absent). */
type Reply = [status: string, approval?: string | null, message?: string | null, decided?: string | null];

export class ApprovalBook {
  private readonly now: () => number;
  private readonly sweepMs: number;
  private readonly retainMs: number;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private sweeping: Promise<void> | null = null;
  private running = false;

  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly onExpired: (a: Approval) => void | Promise<void>, private readonly options: ApprovalBookOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sweepMs = options.sweepMs ?? SWEEP_MS;
    this.retainMs = options.retainMs ?? RETAIN_MS;
  }

  private key(id: string): string { return `${this.prefix}:slack:approval:${id}`; }
  private get expiries(): string { return `${this.prefix}:slack:approval-expiries`; }
  private requestKey(requestId: string): string { return `${this.prefix}:slack:approval-request:${requestId}`; }

  /** A new approval request, or the open one for the same request ID (a double click asks once, whichever bot it reaches). */
  async hold(op: HeldOperation, expiresInMs: number): Promise<{ approval: Approval; existing: boolean }> {
    const now = this.now();
    const ttl = Math.max(1, Math.ceil(expiresInMs));
    const approval: Approval = { id: `apr-${randomBytes(6).toString('hex')}`, op, expiresAt: now + ttl, message: null, decided: null };
    const record = JSON.stringify({ id: approval.id, op, expiresAt: approval.expiresAt });
    const keys = [this.requestKey(op.request.requestId), this.key(approval.id), this.expiries];
    const reply = await this.script('hold the approval request', HOLD, keys, [approval.id, record, approval.expiresAt, now, ttl + ABANDONED_MS, this.key(''), ttl]);
    const existing = reply[0] === 'existing' ? parseApproval(reply) : undefined;
    if (existing) return { approval: existing, existing: true };
    this.plan(ttl);
    return { approval, existing: false };
  }

  /** Where the request was posted, once Slack said. Answers the approval as it is now (it may have expired first), undefined when it is gone. */
  async rememberMessage(id: string, message: { channel: string; ts: string }): Promise<Approval | undefined> {
    return parseApproval(await this.script('remember where the approval request is', REMEMBER_MESSAGE, [this.key(id)], [JSON.stringify(message)]));
  }

  /** Forgets a request nobody saw (posting it failed), so that asking again posts a new one. */
  async withdraw(approval: Approval): Promise<void> {
    await this.call('withdraw the approval request', () => this.redis.multi()
      .del(this.key(approval.id), this.requestKey(approval.op.request.requestId)).zrem(this.expiries, approval.id).exec());
  }

  async get(id: string): Promise<Approval | undefined> {
    const [approval, message, decided] = await this.call('read the approval request', () => this.redis.hmget(this.key(id), 'approval', 'message', 'decided'));
    return parseApproval(['ok', approval, message, decided]);
  }

  /**
   * Records the first decision, whichever bot it reaches; later clicks learn it was already
   * decided, or expired. A click that finds the request overdue records the expiry itself, and
   * reports it (onExpired) as the sweep would have.
   */
  async decide(id: string, kind: 'approved' | 'denied', by: SlackUser): Promise<Decision> {
    const reply = await this.claim(id, JSON.stringify({ kind, by }));
    const approval = parseApproval(reply);
    if (!approval) return { kind: 'unknown' };
    if (reply[0] === 'expired') await this.expired(approval);
    if (approval.decided?.kind === 'expired') return { kind: 'expired', approval };
    return { kind: reply[0] === 'decided' ? 'decided' : 'already', approval };
  }

  /** Starts expiring overdue requests, this bot's and any other's. */
  start(): void {
    this.running = true;
    this.plan(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  /** Expires the overdue requests another bot has not claimed first; answers when the next one is due. */
  async sweep(): Promise<number> {
    const now = this.now();
    const due = await this.call('list overdue approval requests', () => this.redis.zrangebyscore(this.expiries, '-inf', now, 'LIMIT', 0, SWEEP_BATCH));
    for (const id of due) {
      const reply = await this.claim(id, '', now);
      const approval = parseApproval(reply);
      if (reply[0] === 'expired' && approval) await this.expired(approval);
    }
    if (due.length === SWEEP_BATCH) return now;
    const next = await this.call('list overdue approval requests', () => this.redis.zrange(this.expiries, '0', '0', 'WITHSCORES'));
    return next[1] === undefined ? Infinity : Number(next[1]);
  }

  /** The decide script: `decision` '' only claims a due expiry. */
  private claim(id: string, decision: string, now = this.now()): Promise<Reply> {
    return this.script('decide the approval request', DECIDE, [this.key(id), this.expiries], [id, decision, JSON.stringify({ kind: 'expired', by: null }), now, this.retainMs]);
  }

  private async expired(approval: Approval): Promise<void> {
    try {
      await this.onExpired(approval);
    } catch (err) {
      this.options.log?.warn({ err, approval: approval.id }, 'could not report an expired approval request');
    }
  }

  /** The next sweep, in `delayMs` but never later than sweepMs from now; an earlier one planned stays. */
  private plan(delayMs: number): void {
    if (!this.running) return;
    const delay = Math.min(Math.max(delayMs, 0), this.sweepMs);
    const at = Date.now() + delay;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => { this.timer = null; this.tick(); }, delay);
    this.timer.unref();
  }

  private tick(): void {
    if (this.sweeping) return void this.sweeping.then(() => this.plan(0));
    this.sweeping = this.sweep()
      .then((next) => this.plan(next - this.now()), (err: unknown) => {
        this.options.log?.warn({ err }, 'could not expire overdue approval requests');
        this.plan(this.sweepMs);
      })
      .finally(() => { this.sweeping = null; });
  }

  private async script(what: string, lua: string, keys: string[], args: Array<string | number>): Promise<Reply> {
    return await this.call(what, () => this.redis.eval(lua, keys.length, ...keys, ...args.map(String))) as Reply;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new RipcordError('unavailable', `Ripcord could not ${what}: Redis, where approval requests are kept, is not answering (${why})`,
        'start Redis (or fix redis.url in ripcord.yml), then try again', ExitCode.failed, { cause: error });
    }
  }
}

function parseApproval([status, approval, message, decided]: Reply): Approval | undefined {
  if (status === 'unknown' || !approval) return undefined;
  const record = JSON.parse(approval) as Pick<Approval, 'id' | 'op' | 'expiresAt'>;
  return { ...record, message: message ? JSON.parse(message) as Approval['message'] : null, decided: decided ? JSON.parse(decided) as Approval['decided'] : null };
}
