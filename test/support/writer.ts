/**
 * A user of the app during a deploy: commits one row through the reference app every `everyMs`
 * (GET /cgi-bin/order.cgi) and keeps its own log of what was acknowledged (201 with the row's ID)
 * and what was refused. Tests compare that log with the database after a rollback.
 */
import { randomBytes } from 'node:crypto';

/** `note` is unique across writers (a random run prefix), so a row is found by it whatever its ID. */
export interface Ack { seq: number; note: string; id: number; at: number }

export interface Writer {
  acked: Ack[];
  /** The note of every request sent, answered or not: a write can commit and lose its answer. */
  sent: string[];
  refused: number;
  /** Stops after the request in flight; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/** Writes until stopped, or for at most `maxMs` (a bound, so a forgotten writer cannot run on). */
export function startWriter(webPort: number, everyMs = 100, maxMs = 10 * 60_000): Writer {
  const writer: Writer = { acked: [], sent: [], refused: 0, stop: async () => undefined };
  let running = true;
  const run = randomBytes(4).toString('hex');
  const deadline = Date.now() + maxMs;
  const loop = (async () => {
    for (let seq = 1; running && Date.now() < deadline; seq++) {
      const started = Date.now();
      try {
        const note = `w${run}-${seq}`;
        writer.sent.push(note);
        const r = await fetch(`http://127.0.0.1:${webPort}/cgi-bin/order.cgi?${note}`, { signal: AbortSignal.timeout(3000) });
        const body = (await r.text()).trim();
        if (r.status === 201 && /^\d+$/.test(body)) writer.acked.push({ seq, note, id: Number(body), at: Date.now() });
        else writer.refused++;
      } catch {
        writer.refused++;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - started))));
    }
  })();
  writer.stop = async () => { running = false; await loop; };
  return writer;
}
