/** Sink failures in words: which sink, what happened, whether the sink is down — never where it was sent. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNetworkError, httpStatusMeansDown, shortBody, SinkError } from '../../src/notify/sink.js';

const SECRET = 'Zq8LmN4pR2sT6vW9xY1aB3cD';
const URL_WITH_SECRET = `https://hooks.slack.com/services/T0ABC/B0DEF/${SECRET}`;

describe('sink errors', () => {
  test('fetch failures: the socket code in words, no address', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ECONNREFUSED 10.0.0.9:443 ${URL_WITH_SECRET}`), { code: 'ECONNREFUSED' }) });
    assert.deepEqual(describeNetworkError(refused, 10_000), { message: 'connection refused (ECONNREFUSED)', sinkDown: true });
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    assert.deepEqual(describeNetworkError(timeout, 1_500), { message: 'no answer within 1.5 s (timed out)', sinkDown: true });
    assert.deepEqual(describeNetworkError(new Error(`weird ${URL_WITH_SECRET}`), 1_000), { message: 'failed (no detail)', sinkDown: true });
    assert.deepEqual(describeNetworkError(new TypeError('fetch failed', { cause: new Error('bad port') }), 1_000), { message: 'failed (bad port)', sinkDown: true });
    const leaky = new TypeError('fetch failed', { cause: new Error(`invalid url ${URL_WITH_SECRET}`) });
    assert.deepEqual(describeNetworkError(leaky, 1_000), { message: 'failed (no detail)', sinkDown: true });
  });

  test('nodemailer failures: the wrapped socket code, or the SMTP reply; only content refusals leave the sink up', () => {
    assert.deepEqual(describeNetworkError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25' }, 1_000), { message: 'connection refused (ECONNREFUSED)', sinkDown: true });
    assert.deepEqual(describeNetworkError({ code: 'EAUTH', message: 'Invalid login' }, 1_000), { message: 'authentication failed (EAUTH)', sinkDown: true });
    assert.equal(describeNetworkError({ code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 spam' }, 1_000).sinkDown, false);
    assert.equal(describeNetworkError({ code: 'EENVELOPE', responseCode: 451, response: '451 try later' }, 1_000).sinkDown, true);
  });

  test('HTTP statuses: only a refused payload leaves the sink up', () => {
    for (const s of [400, 413, 422]) assert.equal(httpStatusMeansDown(s), false, String(s));
    for (const s of [301, 401, 403, 404, 410, 429, 500, 503]) assert.equal(httpStatusMeansDown(s), true, String(s));
  });

  test('messages are masked, short, and say where to look', () => {
    const e = new SinkError('webhook', `HTTP 500${shortBody(`echo: ${URL_WITH_SECRET}?token=abc123secret ${'x'.repeat(500)}`)}`, true);
    assert.ok(!e.message.includes(SECRET) && !e.message.includes('abc123secret'), e.message);
    assert.ok(e.message.length < 260);
    assert.match(e.message, /^webhook: HTTP 500: echo: https:\/\/hooks\.slack\.com\/services\/T0ABC\/B0DEF\/\*\*\*/);
    assert.match(e.describe(), /— check notifications\.webhookUrl \(WEBHOOK_URL\); the delivery is kept and `ripcord notify flush` sends it again$/);
    assert.equal(shortBody('   '), '');
  });
});
