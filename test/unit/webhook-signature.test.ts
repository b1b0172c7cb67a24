import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signatureHeaders, verifyWebhookSignature } from '../../src/notify/webhook-signature.js';

const secret = 'a-shared-secret-of-32-characters';
const body = '{"level":"ERROR","title":"Incident"}';
const now = new Date('2026-11-30T10:00:00Z');

test('the signature is HMAC-SHA256 of "<timestamp>.<body>", as docs/SECURITY.md tells a receiver to compute it', () => {
  const h = signatureHeaders(secret, body, now);
  assert.equal(h['X-Ripcord-Timestamp'], String(now.getTime() / 1000));
  const expected = createHmac('sha256', secret).update(`${now.getTime() / 1000}.${body}`).digest('hex');
  assert.equal(h['X-Ripcord-Signature'], `v1=${expected}`);
  assert.deepEqual(verifyWebhookSignature(secret, body, { timestamp: h['X-Ripcord-Timestamp'], signature: h['X-Ripcord-Signature'] }, now), { ok: true });
});

test('a changed body, another secret, a replay after 5 minutes or missing headers are refused', () => {
  const h = signatureHeaders(secret, body, now);
  const headers = { timestamp: h['X-Ripcord-Timestamp'], signature: h['X-Ripcord-Signature'] };
  assert.equal(verifyWebhookSignature(secret, body.replace('ERROR', 'INFO'), headers, now).ok, false);
  assert.equal(verifyWebhookSignature('another-secret-of-some-length', body, headers, now).ok, false);
  assert.match(JSON.stringify(verifyWebhookSignature(secret, body, headers, new Date(now.getTime() + 301_000))), /replay/);
  assert.equal(verifyWebhookSignature(secret, body, { signature: headers.signature }, now).ok, false);
  assert.equal(verifyWebhookSignature(secret, body, { timestamp: headers.timestamp }, now).ok, false);
});
