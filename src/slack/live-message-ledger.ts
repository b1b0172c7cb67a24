/**
 * Which live operation messages are not finished yet, kept in Redis so a bot that restarts —
 * or another bot host, when this one died — picks each message up again and brings it to its
 * final state, instead of leaving "in progress" in the channel forever.
 *
 * One hash field per message (channel, ts, what the message shows, the audit facts) and one
 * lease key per message: whoever updates a message holds its lease and renews it; a bot that
 * stops releases its leases, a bot that dies lets them expire, and either way another bot may
 * take the message over. A message is forgotten once its final state and thread are posted.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AuditInput } from './access/audit-trail.js';

/** What the started/finished audit entries of a followed operation say besides the event. */
export type TrackedAudit = Omit<AuditInput, 'event' | 'detail'> & { approvedBy?: string };

export interface LiveMessageRecord {
  operationId: string;
  environment: string;
  channel: string;
  title: string;
  requestedBy: string;
  /** The message's ts once posted; null while it is being posted. */
  ts: string | null;
  audit?: TrackedAudit;
  /** The started entry is already in the audit trail (a bot that resumes does not write it twice). */
  startedAudited?: boolean;
  /** When tracking began (ms): records older than the event retention are dropped. */
  since: number;
}

export const LEASE_MS = 30_000;

// Compare-and-act in one step: between a GET and a PEXPIRE/DEL the lease can expire and be taken
// by another bot, whose lease this one would then extend or delete.
const RENEW_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";
const DELETE_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

export class LiveMessageLedger {
  /** This bot process, as lease holders are told apart. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  /** @param leaseMs how long a lease outlives its holder's last renewal (holders renew every third of it). */
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly retentionMs: number, readonly leaseMs = LEASE_MS) {}

  private get key(): string { return `${this.prefix}:slack:live-messages`; }
  private leaseKey(operationId: string): string { return `${this.prefix}:slack:live-message-lease:${operationId}`; }

  async remember(record: LiveMessageRecord): Promise<void> {
    await this.redis.hset(this.key, record.operationId, JSON.stringify(record));
  }

  /** The final state is posted: nobody needs to pick this message up again. */
  async forget(operationId: string): Promise<void> {
    await this.redis.multi().hdel(this.key, operationId).del(this.leaseKey(operationId)).exec();
  }

  /** Takes (or renews, when already ours) the lease of a message; false when another bot holds it. */
  async claim(operationId: string): Promise<boolean> {
    const key = this.leaseKey(operationId);
    if ((await this.redis.set(key, this.owner, 'PX', this.leaseMs, 'NX')) === 'OK') return true;
    return (await this.redis.eval(RENEW_IF_OURS, 1, key, this.owner, this.leaseMs)) === 1;
  }

  /** Gives the lease up (on stop) so the next bot takes the message over at once, not after the lease expires. */
  async release(operationId: string): Promise<void> {
    await this.redis.eval(DELETE_IF_OURS, 1, this.leaseKey(operationId), this.owner);
  }

  /** Every message not finished yet; records past the event retention (their story is gone) are dropped. */
  async unfinished(now = Date.now()): Promise<LiveMessageRecord[]> {
    const all = await this.redis.hgetall(this.key);
    const out: LiveMessageRecord[] = [];
    for (const [operationId, json] of Object.entries(all)) {
      const record = parseRecord(json);
      if (record && now - record.since < this.retentionMs) out.push(record);
      else await this.redis.hdel(this.key, operationId);
    }
    return out;
  }
}

function parseRecord(json: string): LiveMessageRecord | null {
  try {
    const r = JSON.parse(json) as LiveMessageRecord;
    return typeof r.operationId === 'string' && typeof r.channel === 'string' && typeof r.since === 'number' ? r : null;
  } catch {
    return null;
  }
}
