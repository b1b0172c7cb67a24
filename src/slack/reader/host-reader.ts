/**
 * The bot's side of its reader process: a child started on the first host read (and again after
 * it dies), which answers previews, pickers and /status from this host's git checkout, Docker and
 * backups. Why a process: every command Node starts costs its parent a synchronous fork, and a
 * fork of the bot (Bolt, the Web API client, Redis, pg: ~200 MB) blocks the loop that must
 * acknowledge Slack within 3 s — 4.7 s of 15.7 s busy in bench/ack's profile. The reader is small,
 * its forks block only itself, and the bot's loop only passes messages.
 *
 * A read in flight when the reader dies fails with a clear error; the next read starts a new one.
 * The reader exits when the bot does (its IPC channel closes), so none is left behind.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { forkModule } from '../../adapters/forked-module.js';
import type { RipcordConfig } from '../../config/schema.js';
import { ExitCode, RipcordError } from '../../domain/errors.js';
import { nextTurn } from '../turns.js';
import { HOST_READS, type HostRead, type HostReads } from '../../operations/host-reads.js';
import { errorFromWire, readerStopped, type ReaderReply, type ReaderRequest } from './wire.js';

interface Pending { method: HostRead; resolve(value: unknown): void; reject(error: Error): void }

const STOP_GRACE_MS = 5_000;

export class HostReader {
  /** The host reads, each answered by the reader process. */
  readonly reads: HostReads;
  private child: Promise<ChildProcess> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly config: RipcordConfig, private readonly log: Logger) {
    const call = (method: HostRead) => (...args: unknown[]) => this.read(method, args);
    this.reads = Object.fromEntries(HOST_READS.map((m) => [m, call(m)])) as unknown as HostReads;
  }

  /** Starts the reader now, so the first preview does not wait for it to load. */
  warm(): void {
    this.child ??= this.start();
    this.child.catch((error: unknown) => this.log.warn({ err: error }, 'the reader process did not start; the next read tries again'));
  }

  /** The reader's process ID, once one runs (for tests and the log). */
  async pid(): Promise<number | undefined> {
    return (await this.child)?.pid;
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = await this.child?.catch(() => null);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private async read(method: HostRead, args: unknown[]): Promise<unknown> {
    if (this.closed) throw new RipcordError('unavailable', 'the Slack bot is stopping', 'ask again once it is back', ExitCode.failed);
    const child = await (this.child ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      const request: ReaderRequest = { type: 'read', id, method, args };
      child.send(request, (error) => {
        if (!error || !this.pending.delete(id)) return;
        reject(readerStopped(method, error.message));
      });
    });
  }

  private start(): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      const child = forkModule(import.meta.url, './reader-main', this.log, 'reader');
      child.on('message', (reply: ReaderReply) => {
        if (reply.type === 'ready') { resolve(child); return; }
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        // Replies come in batches; each one's rendering and posting takes its own turn (turns.ts).
        void nextTurn().then(() => (reply.type === 'result' ? waiting.resolve(reply.value) : waiting.reject(errorFromWire(reply.error))));
      });
      child.on('error', (error) => {
        this.log.warn({ err: error }, 'reader process error');
        // Never started (no exit will follow): the next read tries again.
        if (child.pid === undefined) { this.child = null; reject(readerStopped('its start', error.message)); }
      });
      child.once('exit', (code, signal) => {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        if (!this.closed) this.log.warn({ reader: child.pid }, `reader process stopped (${how}); the next read starts a new one`);
        this.child = null;
        for (const [id, waiting] of this.pending) { this.pending.delete(id); waiting.reject(readerStopped(waiting.method, how)); }
        reject(readerStopped('its start', how));
      });
      const init: ReaderRequest = { type: 'init', config: this.config };
      child.send(init);
    });
  }
}
