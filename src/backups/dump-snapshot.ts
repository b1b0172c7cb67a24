/**
 * One consistent picture for a dump. A psql session holds a REPEATABLE READ transaction open and
 * exports its snapshot; pg_dump `--snapshot` dumps exactly that state while the same session counts
 * every table's rows in it. So the manifest's row counts are what the dump really holds — a deep
 * verify stays exact while the app keeps writing during a pre-deploy backup — and counting runs
 * beside the dump instead of before it.
 */
import { PassThrough, Writable } from 'node:stream';
import { runCommand, type CommandResult } from '../adapters/process-runner.js';
import { parseDatabaseIdentity, type DatabaseIdentity } from '../domain/database-identity.js';
import { unreachable } from './database-facts.js';
import { IDENTITY_SQL } from './database-state.js';
import { parseRowCounts, pgCommand, ROW_COUNTS_SQL, type DatabaseAccess } from './pg-commands.js';

export interface SnapshotSession {
  /** The exported snapshot's ID, for `pg_dump --snapshot`. */
  snapshot: string;
  /**
   * The same snapshot as `pg_current_snapshot()` text ("xmin:xmax:xip,…"): which transactions the
   * dump holds, so a later count can tell the rows written after it (backups/database-state.ts).
   */
  transactions: string;
  /** The database the snapshot is of, recorded so a later count knows it is counting in the same one. */
  identity: DatabaseIdentity | null;
  serverVersion: string;
  /** Rows of every user table as the snapshot sees them ("schema.table" → rows). */
  countRows(): Promise<Record<string, number>>;
  /** Ends the transaction and the session. Safe to call more than once. */
  close(): Promise<void>;
}

/** stdout of the session, line by line, with a way to wait for a marker line. */
class Lines extends Writable {
  private text = '';
  private waiters: Array<() => void> = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    this.waiters.splice(0).forEach((w) => w());
    done();
  }
  /** The lines printed since `start` up to (not including) the line `marker`. */
  async until(marker: string, exited: Promise<CommandResult>): Promise<string[]> {
    for (;;) {
      const at = this.text.indexOf(`${marker}\n`);
      if (at >= 0) return this.text.slice(0, at).split('\n');
      const wake = new Promise<void>((resolve) => this.waiters.push(resolve));
      const r = await Promise.race([wake.then(() => null), exited]);
      if (r) throw new Error(r.stderr || `psql exited ${r.exitCode}`);
    }
  }
  consume(): void {
    this.text = '';
  }
}

export async function openSnapshot(access: DatabaseAccess, dbname: string): Promise<SnapshotSession> {
  const stdin = new PassThrough();
  const out = new Lines();
  const exited = runCommand({
    ...pgCommand(access, 'psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', dbname]),
    stdin, stdout: out, timeoutMs: 24 * 3600_000,
  });
  const close = async () => {
    if (!stdin.writableEnded) stdin.end('commit;\n');
    await exited.catch(() => undefined);
  };
  try {
    stdin.write(`begin isolation level repeatable read read only;\nselect pg_export_snapshot();\nselect pg_current_snapshot();\nshow server_version;\n${IDENTITY_SQL};\nselect 'ripcord:ready';\n`);
    const [snapshot = '', transactions = '', serverVersion = '', identity = ''] = (await out.until('ripcord:ready', exited)).filter(Boolean);
    out.consume();
    let counting: Promise<Record<string, number>> | null = null;
    const countRows = () => {
      counting ??= (stdin.write(`${ROW_COUNTS_SQL};\nselect 'ripcord:counted';\n`), out.until('ripcord:counted', exited).then(parseRowCounts));
      return counting;
    };
    return { snapshot, transactions, identity: parseDatabaseIdentity(identity), serverVersion, countRows, close };
  } catch (error) {
    await close();
    throw unreachable(access, error instanceof Error ? error.message : String(error));
  }
}
