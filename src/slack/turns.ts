/**
 * The bot's slow work takes turns with Slack. Node reads new envelopes (and sends their acks) in
 * the poll phase of its event loop; whatever resolves in one callback runs to completion before
 * the loop polls again. Fifty previews coming back from the reader at once would render and post
 * all fifty (~35 ms in bench/ack) while the next burst's acks wait behind them. Work that awaits
 * `nextTurn()` instead goes one piece per loop iteration (setImmediate), so an envelope that
 * arrives meanwhile waits for one piece at most.
 */
import { setImmediate } from 'node:timers';

const waiting: Array<() => void> = [];
let draining = false;

/** Resolves on a later loop iteration than any piece of work that asked before it. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!draining) { draining = true; setImmediate(takeTurn); }
  });
}

function takeTurn(): void {
  waiting.shift()?.();
  // Scheduled from inside an immediate, the next turn runs after the loop has polled for I/O again.
  if (waiting.length > 0) setImmediate(takeTurn);
  else draining = false;
}
