/**
 * The replay check that outlives the bot: a verified request's signature is remembered in Redis
 * for the signature window, so a request captured before a restart (or sent to a second bot host)
 * is still refused. The in-process cache answers first; Redis is asked with a short bound, and if
 * it does not answer the in-process cache alone decides — the bot keeps working, with the replay
 * window of one process, and says so in its log.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { withTimeout } from '../../adapters/with-timeout.js';
import { ReplayCache, SIGNATURE_WINDOW_SECONDS } from './slack-signature.js';

const REDIS_ANSWER_MS = 500;

export class ReplayGuard {
  private readonly local = new ReplayCache();

  constructor(private readonly redis: Redis | null, private readonly prefix: string, private readonly log: Logger) {}

  /** True the first time this signed request is seen (here or by any bot on this Redis). */
  async firstSeen(signature: string, timestamp: string, nowSeconds: number): Promise<boolean> {
    if (!this.local.firstSeen(signature, timestamp, nowSeconds)) return false;
    if (!this.redis) return true;
    const key = `${this.prefix}:slack:seen:${createHash('sha256').update(`${timestamp}:${signature}`).digest('hex')}`;
    try {
      // Kept twice the window: a timestamp up to five minutes ahead stays valid for ten.
      const set = await withTimeout(this.redis.set(key, '1', 'EX', 2 * SIGNATURE_WINDOW_SECONDS, 'NX'), REDIS_ANSWER_MS);
      return set === 'OK';
    } catch (error) {
      this.log.warn({ err: error }, 'replay check: Redis did not answer; this process\'s own cache decided');
      return true;
    }
  }
}
