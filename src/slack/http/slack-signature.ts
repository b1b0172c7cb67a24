/**
 * Is this HTTP request from Slack, and the first time we see it? Slack signs every request with
 * the app's signing secret: `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{raw body}"))`
 * and `X-Slack-Request-Timestamp`. Bolt checks the signature and refuses old timestamps, but it
 * accepts future ones and keeps no replay cache (notes/bolt-facts.md): an attacker who captured
 * one request could send it again for five minutes. This check refuses all three; the replay
 * cache only ever holds signatures that verified, so forged requests cannot fill it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's own window: a request older (or newer) than this is refused. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type SignatureVerdict = { ok: true } | { ok: false; why: string };

export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** Checks the signature and the timestamp window; nowSeconds is Unix time. */
export function verifySignature(signingSecret: string, headers: { signature?: string; timestamp?: string }, rawBody: string, nowSeconds: number): SignatureVerdict {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, why: 'missing X-Slack-Signature or X-Slack-Request-Timestamp' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, why: 'X-Slack-Request-Timestamp is not a Unix time' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return { ok: false, why: 'timestamp outside the five-minute window' };
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'signature does not match' };
  return { ok: true };
}

/** Signatures seen within the window; a second request with the same signature and timestamp is a replay. */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  /** Records the request; false when it was seen before (within the window). */
  firstSeen(signature: string, timestamp: string, nowSeconds: number): boolean {
    this.prune(nowSeconds);
    const key = `${timestamp}:${signature}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, Number(timestamp));
    return true;
  }

  get size(): number { return this.seen.size; }

  private prune(nowSeconds: number): void {
    // Entries go in roughly by timestamp; anything outside the window can no longer pass verifySignature.
    for (const [key, ts] of this.seen) {
      if (Math.abs(nowSeconds - ts) > SIGNATURE_WINDOW_SECONDS) this.seen.delete(key);
    }
  }
}
