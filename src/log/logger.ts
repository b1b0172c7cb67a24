/**
 * The one way Ripcord makes a logger: pino, JSON lines to stdout and optionally to a file, with
 * secrets masked before anything is written. Children carry the deployment context:
 * `log.child({ deployment, env, stage })`.
 *
 * Redaction happens in three places, because a secret can enter a line three ways:
 * 1. every argument of every log call (message, format args, objects, errors) goes through
 *    `redactSecrets` — keys like `password` at any depth, and secret-shaped text anywhere,
 *    including the `msg` pino derives from an error's message;
 * 2. child bindings go through the same function (`child` and `setBindings` are wrapped: pino's
 *    `formatters.bindings` never sees a child's bindings), plus pino `redact` paths for known keys;
 * 3. every string in the finished JSON line goes through `redactString` once more
 *    (`redactJsonText`), so nothing token- or password-URL-shaped reaches a destination even if
 *    a future serializer adds it.
 */
import { pino } from 'pino';
import type { Bindings, ChildLoggerOptions, DestinationStream, Level, LogFn, Logger, StreamEntry } from 'pino';
import { redactJsonText, redactSecrets } from '../domain/redact.js';
import { LOG_REDACT_PATHS, censorLogValue } from './redact-paths.js';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

/** What a deployment's log lines carry; set once with `log.child(...)`, never per line. */
export interface LogContext {
  deployment?: string;
  env?: string;
  stage?: string;
}

export interface CreateLoggerOptions {
  /** Process role, printed as `name` on every line: `ripcord`, `ripcord-bot`, `ripcord-executor`. */
  name: string;
  /** Default `info` (config `logging.level`). */
  level?: LogLevel;
  /** Also append JSON lines to this file (config `logging.file`); its directory is created. */
  file?: string | null;
  /** Write to stdout (default true); turn it off where stdout carries other output, e.g. `--json`. */
  stdout?: boolean;
  /** Further destinations, e.g. a stream a test reads back. */
  streams?: DestinationStream[];
}

/** Log files hold operational detail (hosts, paths, SHAs): owner and group only. */
const LOG_FILE_MODE = 0o640;

export function createLogger(options: CreateLoggerOptions): Logger {
  const log = pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        // Labels, not numbers: operators grep these files for "error".
        level: (label) => ({ level: label }),
      },
      redact: { paths: [...LOG_REDACT_PATHS], censor: censorLogValue },
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactSecrets(args) as Parameters<LogFn>);
        },
        streamWrite: redactJsonText,
      },
    },
    destinationFor(options),
  );
  redactBindings(log);
  return log;
}

/**
 * Children are created with Object.create(parent), so wrapping the root's methods wraps them for
 * every descendant, and `this` stays the logger the call was made on.
 */
type ChildFn = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;

function redactBindings(log: Logger): void {
  const child = log.child as unknown as ChildFn;
  const { setBindings } = log;
  const redactedChild: ChildFn = function (bindings, childOptions) {
    return child.call(this, redactSecrets(bindings) as Bindings, childOptions);
  };
  log.child = redactedChild as unknown as Logger['child'];
  log.setBindings = function redactedSetBindings(this: Logger, bindings: Bindings) {
    setBindings.call(this, redactSecrets(bindings) as Bindings);
  };
}

/**
 * Synchronous destinations: a deploy tool must not lose its last lines when a stage kills the
 * process, and tests can read a file right after logging. Log volume is a few lines per stage.
 */
function destinationFor(options: CreateLoggerOptions): DestinationStream {
  const streams: DestinationStream[] = [];
  if (options.stdout ?? true) streams.push(pino.destination({ dest: 1, sync: true }));
  if (options.file) {
    streams.push(pino.destination({ dest: options.file, sync: true, mkdir: true, append: true, mode: LOG_FILE_MODE }));
  }
  streams.push(...(options.streams ?? []));
  const [only] = streams;
  if (streams.length === 1 && only) return only;
  // Every stream takes every level; the logger's own level (changeable at runtime) is the filter.
  const entries: StreamEntry[] = streams.map((stream) => ({ level: 'trace', stream }));
  return pino.multistream(entries);
}

