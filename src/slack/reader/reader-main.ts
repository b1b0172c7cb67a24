/**
 * The reader process (see host-reader.ts): answers the bot's host reads one message at a time,
 * with the same code the bot ran in-process before. It exits when the bot's IPC channel closes.
 */
import { getPriority, setPriority } from 'node:os';
import { createLogger } from '../../log/logger.js';
import { LocalHostReads, type HostReads } from '../../operations/host-reads.js';
import { errorToWire, type ReaderReply, type ReaderRequest } from './wire.js';

// The reader and the git commands it starts (they inherit it) run ten steps nicer than the bot, so
// on a busy host — a deploy building and starting containers — the bot's acks get the CPU first and
// a burst of previews waits instead. bench/ack measured it (docs/BENCHMARKS.md).
const NICER_THAN_THE_BOT = 10;
setPriority(Math.min(19, getPriority() + NICER_THAN_THE_BOT));
let reads: HostReads | null = null;

function send(reply: ReaderReply): void {
  // A reply the bot can no longer take (it is stopping) has nobody to go to.
  if (process.connected) process.send!(reply, (error: Error | null) => { if (error && process.connected) throw error; });
}

async function answer(id: number, body: () => Promise<unknown>): Promise<void> {
  try {
    send({ type: 'result', id, value: await body() });
  } catch (error) {
    send({ type: 'failed', id, error: errorToWire(error) });
  }
}

process.on('message', (request: ReaderRequest) => {
  if (request.type === 'init') {
    const { config } = request;
    const log = createLogger({ name: 'ripcord-reader', level: config.logging.level, file: config.logging.file, stdout: false });
    reads = new LocalHostReads(config, log);
    send({ type: 'ready' });
    return;
  }
  const ready = reads;
  if (!ready) throw new Error(`read ${request.method} before init`);
  const method = ready[request.method] as (...args: unknown[]) => Promise<unknown>;
  void answer(request.id, () => method.apply(ready, request.args));
});
process.on('disconnect', () => process.exit(0));
