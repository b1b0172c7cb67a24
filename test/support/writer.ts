/**
 * A user of the app during a deploy: commits one row through the reference app every `everyMs`
 * (GET /cgi-bin/order.cgi) and keeps its own log of what was acknowledged (201 with the row's ID)
 * and what was refused. Tests compare that log with the database after a rollback.
 * {@link startDatabaseWriter} does the same straight to the database, as clients outside the app do.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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

/**
 * A client that writes to the app database directly, not through the app (a worker, a cron job, a
 * service outside the compose project): one connection, opened again whenever it is closed or
 * refused, one `insert … returning id` every `everyMs`; acknowledged once the ID comes back (the
 * insert committed). Same log as {@link startWriter}.
 */
export function startDatabaseWriter(dbPort: number, database: string, everyMs = 100, maxMs = 10 * 60_000): Writer {
  const writer: Writer = { acked: [], sent: [], refused: 0, stop: async () => undefined };
  let running = true;
  const run = randomBytes(4).toString('hex');
  const deadline = Date.now() + maxMs;
  let client: pg.Client | null = null;
  const drop = () => {
    client?.end().catch(() => undefined);
    client = null;
  };
  const loop = (async () => {
    for (let seq = 1; running && Date.now() < deadline; seq++) {
      const started = Date.now();
      const note = `d${run}-${seq}`;
      writer.sent.push(note);
      try {
        client ??= await connect(dbPort, database);
        const r = await client.query<{ id: string }>('insert into orders (note) values ($1) returning id', [note]);
        writer.acked.push({ seq, note, id: Number(r.rows[0]!.id), at: Date.now() });
      } catch {
        writer.refused++;
        drop();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - started))));
    }
    drop();
  })();
  writer.stop = async () => { running = false; await loop; };
  return writer;
}

async function connect(port: number, database: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 3000, query_timeout: 3000 });
  // A session ended by the server (pg_terminate_backend) is reported as an 'error' event: the next query sees it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.end().catch(() => undefined);
    throw error;
  }
}
