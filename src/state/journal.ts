/**
 * The journal: one append-only JSON-lines file per deployment or rollback, at
 * `<stateDir>/journal/<env>/<id>.jsonl`. Every entry is written and fsynced before `append`
 * returns, and the runner appends *before* it acts, so after a crash the journal says at least
 * everything that may have happened. Recovery reads it back with {@link readJournal} and
 * {@link listUnfinished}; the domain folds it with `foldJournal`.
 */
import { type FileHandle, mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { foldJournal, type JournalFacts } from '../domain/journal-facts.js';
import { parseJournalEntry, type JournalEntry, type JournalEvent, type JournalHeader, type TimedJournalEvent } from '../domain/journal-entry.js';
import { eventOfEntry, isTerminal, transition, type DeploymentState } from '../domain/deployment-state.js';
import { discardOperationEnv } from './operation-env.js';
import { systemClock, type Clock } from '../domain/ports.js';
import { fsyncDir } from './durable-fs.js';

/** Names that become path components: no separators, no dots first, so nothing escapes the journal directory. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function safeName(value: string, what: string): string {
  if (!SAFE_NAME.test(value)) throw new RipcordError('bad_input', `${what} ${JSON.stringify(value)} cannot be used as a file name`, `use letters, digits, ".", "_" or "-" for the ${what}`);
  return value;
}

export function journalDir(stateDir: string, env: string): string {
  return join(stateDir, 'journal', safeName(env, 'environment name'));
}

export function journalPath(stateDir: string, env: string, id: string): string {
  return join(journalDir(stateDir, env), `${safeName(id, 'operation id')}.jsonl`);
}

/** A unique operation id that sorts by time, e.g. `20261101T100000Z-3f9a1c`. */
export function newOperationId(at: Date = new Date()): string {
  return `${at.toISOString().replace(/[-:]|\.\d{3}/g, '')}-${randomBytes(3).toString('hex')}`;
}

/** What the caller says; the journal fills in type, version, and (unless given) start time, PID and host. */
export type HeaderInput = Omit<JournalHeader, 'type' | 'version' | 'startedAt' | 'pid' | 'host'> & Partial<Pick<JournalHeader, 'startedAt' | 'pid' | 'host'>>;

async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await fh.write(data, done, data.length - done)).bytesWritten;
}

export class Journal {
  private chain: Promise<void> = Promise.resolve();
  private broken: unknown = null;

  /** `state` is where the operation stands: every state-changing entry must be a move the state machine allows. */
  private constructor(readonly path: string, private readonly fh: FileHandle, private readonly clock: Clock, private state: DeploymentState = 'queued') {}

  /** Creates the journal (never overwriting one) with its header, durable before this returns. */
  static async create(stateDir: string, input: HeaderInput, options: { clock?: Clock } = {}): Promise<Journal> {
    const clock = options.clock ?? systemClock;
    const header: JournalHeader = { type: 'header', version: 1, startedAt: clock.now().toISOString(), pid: process.pid, host: hostname(), ...input };
    const dir = journalDir(stateDir, header.env);
    const created = await mkdir(dir, { recursive: true });
    const path = journalPath(stateDir, header.env, header.id);
    const fh = await open(path, 'ax', 0o600);
    const journal = new Journal(path, fh, clock);
    try {
      await journal.writeLine(header);
      await fsyncDir(dir);
    } catch (error) {
      await fh.close();
      throw error;
    }
    // Directories made just now must themselves be recorded in their parents.
    for (let d = dir; created !== undefined && d.startsWith(created); d = dirname(d)) await fsyncDir(dirname(d));
    return journal;
  }

  /**
   * Opens an existing journal to continue it (recovery). A torn last line — a crash mid-write, so
   * the action it announced never began — is cut off first, so new entries start on a clean line.
   */
  static async resume(path: string, options: { clock?: Clock } = {}): Promise<{ journal: Journal } & ReadJournal> {
    const read = await readJournal(path);
    const fh = await open(path, 'r+');
    if (read.torn) {
      await fh.truncate(read.torn.offset);
      await fh.sync();
    }
    await fh.close();
    return { journal: new Journal(path, await open(path, 'a'), options.clock ?? systemClock, foldJournal(read.entries).state), ...read };
  }

  /**
   * Appends one entry (stamped with `at`) and fsyncs it. Entries are written in call order. A stage
   * start or a state goes through the state machine's `transition()` first: a move it forbids is a
   * runner bug, refused with IllegalTransitionError before anything is written. Once a terminal
   * state is written, the containers' environments kept for the operation are removed.
   */
  append(event: JournalEvent): Promise<void> {
    const entry = { ...event, at: this.clock.now().toISOString() } as TimedJournalEvent;
    const finished = event.type === 'state' && isTerminal(event.state);
    const next = this.chain.then(() => {
      if (this.broken) throw this.wrap(this.broken);
      if (event.type === 'state' || event.type === 'stage_started') this.state = transition(this.state, eventOfEntry(event, this.state));
      return this.writeLine(entry);
    }).then(() => (finished ? discardOperationEnv(this.path) : undefined));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Waits for pending appends, then closes the file. Appending afterwards fails. */
  async close(): Promise<void> {
    await this.chain;
    this.broken ??= new Error('journal closed');
    await this.fh.close();
  }

  private async writeLine(entry: JournalEntry): Promise<void> {
    if (this.broken) throw this.wrap(this.broken);
    try {
      await writeAll(this.fh, Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8'));
      await this.fh.sync();
    } catch (error) {
      // After a failed write the file's end is unknown: refuse to go on rather than act unrecorded.
      this.broken = error;
      throw this.wrap(error);
    }
  }

  private wrap(error: unknown): RipcordError {
    const why = error instanceof Error ? error.message : String(error);
    return new RipcordError('unavailable', `cannot write the journal ${this.path}: ${why}`,
      'free disk space or fix permissions on the state directory, then let recovery finish the operation (restart the executor)', ExitCode.failed, { cause: error });
  }
}

/** A journal read back from disk. */
export interface ReadJournal {
  path: string;
  entries: JournalEntry[];
  /** The incomplete tail left by a crash mid-write, if any: where the intact part ends and what was cut. */
  torn: { line: number; offset: number; text: string } | null;
}

/** A line in the middle is damaged while later lines are intact: not a crash, so nothing is guessed. */
export class JournalCorruptError extends RipcordError {
  constructor(readonly path: string, readonly line: number) {
    super('precondition_failed', `journal ${path} is damaged at line ${line}, and later lines are intact`,
      'this is not a crash mid-write: move the file out of the journal directory, check the environment with `ripcord status` and roll back by hand if needed');
  }
}

function parseLine(text: string): JournalEntry | null {
  try {
    return parseJournalEntry(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Reads a journal. Unparseable lines at the end are a torn tail (reported, not fatal); elsewhere they are corruption. */
export async function readJournal(path: string): Promise<ReadJournal> {
  const data = await readFile(path);
  const entries: JournalEntry[] = [];
  let offset = 0;
  let torn: ReadJournal['torn'] = null;
  for (let line = 1; offset < data.length; line++) {
    const end = data.indexOf(0x0a, offset);
    const text = data.subarray(offset, end === -1 ? data.length : end).toString('utf8');
    const entry = end === -1 ? null : parseLine(text);
    if (entry && torn) throw new JournalCorruptError(path, torn.line);
    if (entry) entries.push(entry);
    else torn ??= { line, offset, text: JSON.stringify(text.slice(0, 200)) };
    offset = end === -1 ? data.length : end + 1;
  }
  return { path, entries, torn };
}

export interface UnfinishedJournal {
  path: string;
  env: string;
  facts: JournalFacts;
  torn: ReadJournal['torn'];
}

/** Cheap pre-check: a finished journal ends with a terminal state line, read from the file's tail only. */
async function endsTerminal(path: string): Promise<boolean> {
  const size = (await stat(path)).size;
  const fh = await open(path, 'r');
  try {
    const length = Math.min(size, 64 * 1024);
    const { buffer } = await fh.read(Buffer.alloc(length), 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    const last = lines.at(-1) === '' ? parseLine(lines.at(-2) ?? '') : null;
    return last?.type === 'state' && isTerminal(last.state);
  } finally {
    await fh.close();
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Every journal under `stateDir` (or one environment) whose last state is not terminal, oldest
 * first: the work recovery must finish. Journals that cannot be read are listed separately, so
 * one damaged file never hides the others.
 */
export async function listUnfinished(stateDir: string, env?: string): Promise<{ unfinished: UnfinishedJournal[]; unreadable: Array<{ path: string; error: unknown }> }> {
  const unfinished: UnfinishedJournal[] = [];
  const unreadable: Array<{ path: string; error: unknown }> = [];
  const envs = env ? [safeName(env, 'environment name')] : await listDir(join(stateDir, 'journal'));
  for (const name of envs) {
    for (const file of (await listDir(join(stateDir, 'journal', name))).filter((f) => f.endsWith('.jsonl'))) {
      const path = join(stateDir, 'journal', name, file);
      try {
        if (await endsTerminal(path)) continue;
        const read = await readJournal(path);
        // Created but the header never reached the disk: the runner had not acted yet.
        if (read.entries.length === 0) continue;
        const facts = foldJournal(read.entries);
        if (!facts.finished) unfinished.push({ path, env: name, facts, torn: read.torn });
      } catch (error) {
        unreadable.push({ path, error });
      }
    }
  }
  unfinished.sort((a, b) => a.facts.header.startedAt.localeCompare(b.facts.header.startedAt));
  return { unfinished, unreadable };
}
