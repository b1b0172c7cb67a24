/**
 * Live progress over Redis: one Stream per operation, every event in order, the report last.
 *
 * Publishing never loses an event, even across a Redis restart that lost the stream: each event
 * gets an explicit ID (`0-<n>`) and one XADD is in flight at a time. Only the first event a
 * publisher writes may create the stream; every later XADD carries NOMKSTREAM, so one queued while Redis was down
 * cannot land alone in a restarted, empty Redis — a reader would take that lone event for the
 * start of the story. Such an XADD is a no-op, and the publisher then writes the stream again, in
 * one transaction. The stream expires after the configured retention. Following reads the whole
 * story with XRANGE, then waits with XREAD BLOCK, so a subscriber that joins late (a restarted
 * bot, `ripcord watch`) sees everything from the start.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactJsonText } from '../domain/redact.js';
import type { OperationEvent } from '../operations/service-report.js';
import { eventStreamKey } from './operation-jobs.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isDuplicateId = (e: unknown) => e instanceof Error && /equal or smaller than the target stream top item/.test(e.message);

export class EventPublisher {
  private readonly events: string[] = [];
  private confirmed = 0;
  private pumping: Promise<void> | null = null;
  private resync = false;
  private closing = false;
  private readonly onReady = () => {
    this.resync = true;
    // A Redis that restarted empty after the last event still gets the story again.
    if (this.events.length > 0) this.kick();
  };

  /** `after`: the stream's last entry number when this publisher opened (a redelivered or recovered operation continues its story). */
  constructor(
    private readonly redis: Redis, private readonly key: string, private readonly retentionMs: number, private readonly log: Logger,
    private readonly after = 0,
    /** The stream's last event when this publisher opened, if any. */
    readonly last: OperationEvent | null = null,
  ) {
    redis.on('ready', this.onReady);
  }

  /**
   * Queues the event; it reaches Redis in order, whatever happens to the connection meanwhile.
   * Masked on the way in: every reader (Slack, `ripcord watch`) gets the stream's text, and a
   * reason built from a library's error may quote a connection string or a token.
   */
  publish(event: OperationEvent): void {
    this.events.push(redactJsonText(JSON.stringify(event)));
    this.kick();
  }

  /** Starts the pump unless it runs; `pumping` is cleared by the pump itself, so no event waits for a next one. */
  private kick(): void {
    if (!this.pumping) this.pumping = this.pump();
  }

  /** Resolves once every event published so far is in Redis (or `timeoutMs` passed: false). */
  async drained(timeoutMs = 60_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.confirmed < this.events.length && Date.now() < deadline) await (this.pumping ?? pause(20));
    return this.confirmed >= this.events.length;
  }

  /** Stops listening for reconnects once every event is in Redis (at once when they already are). */
  close(): void {
    this.closing = true;
    if (this.confirmed >= this.events.length) this.redis.off('ready', this.onReady);
  }

  private async pump(): Promise<void> {
    let warned = false;
    while (this.resync || this.confirmed < this.events.length) {
      const n = this.confirmed;
      try {
        if (this.resync) {
          this.resync = false; // set again by a reconnect during the repair, which then runs again
          await this.repair();
          continue;
        }
        const id = `0-${this.after + n + 1}`;
        // The first event this publisher writes may (re)create the stream; later ones never do.
        const add = n === 0
          ? this.redis.multi().xadd(this.key, id, 'e', this.events[n] as string)
          : this.redis.multi().xadd(this.key, 'NOMKSTREAM', id, 'e', this.events[n] as string);
        const replies = await add.pexpire(this.key, this.retentionMs).exec();
        const [err, added] = replies?.[0] ?? [];
        // Refused as "not above the top" (an earlier try landed), or no stream (Redis restarted empty).
        if (isDuplicateId(err) || (!err && added === null)) this.resync = true;
        else if (err) throw err;
        else this.confirmed = Math.max(this.confirmed, n + 1);
      } catch (error) {
        if (isDuplicateId(error)) { this.resync = true; continue; }
        if (!warned) this.log.warn({ err: error, stream: this.key }, 'progress event not yet in Redis; retrying');
        warned = true;
        this.resync = true; // what the failed call did is unknown: look before going on
        await pause(200);
      }
    }
    this.pumping = null;
    if (this.closing) this.redis.off('ready', this.onReady);
  }

  /**
   * After a reconnect: keeps what Redis still holds when it is our story so far, in order;
   * otherwise (Redis restarted empty, and an XADD in flight landed alone) writes the stream again
   * in one transaction. Re-adding one by one would not do: Redis refuses an ID below the top one.
   */
  private async repair(): Promise<void> {
    const first = this.after + 1;
    const held = (await this.redis.xrange(this.key, `0-${first}`, '+') as Entries).map(([id]) => id);
    const inOrder = held.every((id, i) => id === `0-${first + i}`);
    const whole = inOrder && (this.after === 0 || await this.redis.xlen(this.key) >= this.after + held.length);
    if (whole && held.length <= this.events.length) { this.confirmed = held.length; return; }
    const tx = this.redis.multi().del(this.key);
    this.events.slice(0, this.confirmed).forEach((e, i) => tx.xadd(this.key, `0-${first + i}`, 'e', e));
    const replies = await tx.pexpire(this.key, this.retentionMs).exec();
    const failed = replies?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }
}

/** A publisher that continues the operation's stream after whatever it already holds. */
export async function openPublisher(redis: Redis, prefix: string, operationId: string, retentionMs: number, log: Logger): Promise<EventPublisher> {
  const key = eventStreamKey(prefix, operationId);
  const top = decode(await redis.xrevrange(key, '+', '-', 'COUNT', 1) as Entries)[0];
  return new EventPublisher(redis, key, retentionMs, log, top ? Number(top.id.split('-')[1]) : 0, top?.event ?? null);
}

type Entries = Array<[id: string, fields: string[]]>;

function decode(entries: Entries): Array<{ id: string; event: OperationEvent }> {
  return entries.map(([id, fields]) => ({ id, event: JSON.parse(fields[1] ?? 'null') as OperationEvent }));
}

/** Every event stored so far, in order (empty when the operation has not started or expired). */
export async function readEvents(redis: Redis, prefix: string, operationId: string): Promise<OperationEvent[]> {
  return decode(await redis.xrange(eventStreamKey(prefix, operationId), '-', '+') as Entries).map((e) => e.event);
}

/**
 * The whole story of an operation, from its first event, then live until its report. `redis` must
 * be a connection of its own (XREAD BLOCK holds it). Ends early when `signal` aborts.
 */
export async function* followEvents(redis: Redis, prefix: string, operationId: string, signal?: AbortSignal): AsyncGenerator<OperationEvent> {
  const key = eventStreamKey(prefix, operationId);
  let last = '0-0';
  while (!signal?.aborted) {
    const batch = last === '0-0'
      ? decode(await redis.xrange(key, '-', '+') as Entries)
      : decode(((await redis.xread('BLOCK', 1000, 'STREAMS', key, last)) as Array<[string, Entries]> | null)?.[0]?.[1] ?? []);
    if (last === '0-0' && batch.length === 0) {
      // Not started yet: wait for its first event.
      const first = (await redis.xread('BLOCK', 1000, 'STREAMS', key, '0-0')) as Array<[string, Entries]> | null;
      batch.push(...decode(first?.[0]?.[1] ?? []));
    }
    for (const { id, event } of batch) {
      last = id;
      yield event;
      if (event.type === 'report') return;
    }
  }
}
