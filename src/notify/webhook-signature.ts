/**
 * Webhook signatures (docs/SECURITY.md "Webhook signatures"): a receiver that knows
 * notifications.webhookSecret can tell a body Ripcord sent from a forged or replayed one.
 *
 *   X-Ripcord-Timestamp: <unix seconds when sent>
 *   X-Ripcord-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed later with a
 * fresh one; receivers refuse timestamps more than 5 minutes from their clock. A kept delivery
 * is signed again when the outbox sends it, so a late delivery still carries a fresh timestamp.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Ripcord-Signature';
export const TIMESTAMP_HEADER = 'X-Ripcord-Timestamp';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The two headers for `body`, sent at `now`. */
export function signatureHeaders(secret: string, body: string, now: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body) };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** What a receiver does, here so the docs' recipe is tested: the raw body, both headers, the secret. */
export function verifyWebhookSignature(secret: string, body: string, headers: { timestamp?: string | undefined; signature?: string | undefined }, now: Date = new Date()): SignatureCheck {
  const timestamp = Number(headers.timestamp);
  if (!headers.timestamp || !Number.isInteger(timestamp)) return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER}` };
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: `${TIMESTAMP_HEADER} is more than ${SIGNATURE_TOLERANCE_SECONDS} s away: a replay or a wrong clock` };
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: `${SIGNATURE_HEADER} does not match the body` };
  return { ok: true };
}
