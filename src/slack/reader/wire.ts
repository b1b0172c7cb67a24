/**
 * What crosses between the bot and its reader process. Values go through Node's structured clone
 * (`serialization: 'advanced'`), which keeps Dates but not classes: an error is sent as its
 * parts and made a RipcordError again on the bot's side, so Slack still shows "what went wrong —
 * what to do" instead of "something failed".
 */
import { ExitCode, RipcordError, type ErrorCode } from '../../domain/errors.js';
import type { RipcordConfig } from '../../config/schema.js';
import type { HostRead } from '../../operations/host-reads.js';

export type ReaderRequest =
  | { type: 'init'; config: RipcordConfig }
  | { type: 'read'; id: number; method: HostRead; args: unknown[] };

export type ReaderReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: WireError };

export interface WireError {
  /** Set for a RipcordError (any subclass): the parts a person reads. */
  coded?: { code: ErrorCode; fix: string; exitCode: ExitCode };
  name: string;
  message: string;
}

export function errorToWire(error: unknown): WireError {
  if (error instanceof RipcordError) return { name: error.name, message: error.message, coded: { code: error.code, fix: error.fix, exitCode: error.exitCode } };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function errorFromWire(wire: WireError): Error {
  const error = wire.coded
    ? new RipcordError(wire.coded.code, wire.message, wire.coded.fix, wire.coded.exitCode)
    : new Error(wire.message);
  error.name = wire.name;
  return error;
}

/** What a read in flight gets when the reader process dies under it. */
export function readerStopped(method: string, how: string): RipcordError {
  return new RipcordError('unavailable', `the bot's reader process stopped (${how}) while answering ${method}`,
    'ask again: a new reader starts on the next request; if it keeps stopping, the bot log (logging.file) says why', ExitCode.failed);
}
