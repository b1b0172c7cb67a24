/**
 * src/slack/turns.ts: work that waits for its turn goes one piece per event-loop iteration, in the
 * order it asked, so I/O that arrives meanwhile (a Slack envelope to acknowledge) is read between
 * two pieces, not after all of them.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { nextTurn } from '../../src/slack/turns.js';

const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* a piece of CPU-bound work */ } };

test('turns are taken in the order they were asked for', async () => {
  const order: number[] = [];
  await Promise.all(Array.from({ length: 20 }, (_, i) => nextTurn().then(() => order.push(i))));
  assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
});

test('data arriving while 200 pieces of work wait is read after a few of them, not after all', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [peer] = await accepted;
  try {
    let piecesDone = 0;
    let piecesBeforeData = -1;
    peer.once('data', () => { piecesBeforeData = piecesDone; });
    // Two hundred pieces of 1 ms each, all resolved in one callback, as fifty reader replies are.
    const work = Array.from({ length: 200 }, () => nextTurn().then(() => { busy(1); piecesDone++; }));
    client.write('an envelope');
    await Promise.all(work);
    assert.equal(piecesDone, 200);
    assert.ok(piecesBeforeData >= 0 && piecesBeforeData < 50, `the data waited for ${piecesBeforeData} pieces of work`);
  } finally {
    client.destroy();
    peer.destroy();
    server.close();
  }
});
