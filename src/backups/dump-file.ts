/**
 * Where a dump streams to: an already-open file descriptor, hashed and counted as it is written,
 * fsynced at the end. A write error (a full disk) never breaks the pipe: the sink remembers it,
 * calls `onFailure` (which stops pg_dump) and swallows the rest, so the dump process always drains
 * and exits instead of blocking on a full pipe.
 */
import { createHash } from 'node:crypto';
import { close, fsync, write } from 'node:fs';
import { Writable } from 'node:stream';

export class DumpFile extends Writable {
  private readonly hash = createHash('sha256');
  size = 0;
  failure: NodeJS.ErrnoException | null = null;

  constructor(private readonly fd: number, private readonly onFailure: (error: NodeJS.ErrnoException) => void) {
    super({ highWaterMark: 1 << 20 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    if (this.failure) return done();
    this.hash.update(chunk);
    this.size += chunk.length;
    this.writeAll(chunk, 0, done);
  }

  private writeAll(chunk: Buffer, offset: number, done: () => void): void {
    write(this.fd, chunk, offset, chunk.length - offset, null, (error, written) => {
      if (error) return this.fail(error), done();
      if (offset + written < chunk.length) return this.writeAll(chunk, offset + written, done);
      done();
    });
  }

  override _final(done: (error?: Error | null) => void): void {
    if (this.failure) return done();
    fsync(this.fd, (error) => {
      if (error) this.fail(error);
      done();
    });
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    close(this.fd, () => done(error));
  }

  /** Ends the stream and resolves once the data is on disk (or the failure is known). */
  finish(): Promise<void> {
    // autoDestroy closes the descriptor after 'finish'; 'close' says that happened.
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.once('close', () => resolve());
      this.end();
    });
  }

  sha256(): string {
    return this.hash.copy().digest('hex');
  }

  private fail(error: NodeJS.ErrnoException): void {
    if (this.failure) return;
    this.failure = error;
    this.onFailure(error);
  }
}
