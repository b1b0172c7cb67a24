/**
 * Ctrl-C (SIGINT) or SIGTERM while the CLI deploys, rolls back or recovers.
 *
 * The first signal asks for an orderly stop and says so at once on stderr: a deploy's running
 * stage is cancelled and the deploy rolls back like any failure; a rollback (manual, a recovery,
 * or the deploy's own once it has begun) goes on to its end, since stopping one half-way leaves
 * the host between two releases. A second signal stops now: the process exits, and its exit hook
 * (src/adapters/process-runner.ts) kills every program it started. The journal stays for
 * `ripcord recover`, and so does the lock: its holder is then a dead process of this host, which
 * recover takes over (src/state/environment-lock.ts), while anything else is kept off the host.
 */
import type { ProgressListener } from '../executor/report.js';

export type InterruptedOperation = 'deploy' | 'rollback' | 'recovery';

/** What a signal handler needs of `process`; tests pass an EventEmitter. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface InterruptOptions {
  operation: InterruptedOperation;
  env: string;
  /** Where the notices go (stderr). */
  err: (line: string) => void;
  signals?: SignalSource;
  /** Ends the process at the second signal (default process.exit). */
  exit?: (code: number) => void;
}

export interface InterruptWatch {
  /** Aborted at the first signal; its reason is an Error saying who stopped what ("interrupted by the operator (SIGINT)"). */
  readonly signal: AbortSignal;
  /** `listener`, plus noting when the rollback begins (the first signal then says the rollback goes on). */
  tracking(listener?: ProgressListener): ProgressListener;
  /** Stops listening: the operation has ended. */
  dispose(): void;
}

const WATCHED = ['SIGINT', 'SIGTERM'] as const;
/** 128 + the signal's number: what a shell reports for a program a signal stopped. */
const EXIT_CODE: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export const recoverCommand = (env: string) => `ripcord recover --env ${env}`;

/** The notice of the first signal: what happens now, and how to stop at once. */
export function firstNotice(operation: InterruptedOperation, env: string, signal: string, rollingBack: boolean): string {
  const again = `press Ctrl-C again to stop now (then run \`${recoverCommand(env)}\`)`;
  if (operation === 'deploy' && !rollingBack) return `interrupted (${signal}): stopping the deploy and rolling ${env} back… ${again}`;
  return `interrupted (${signal}): the rollback of ${env} goes on to its end, since stopping it half-way leaves ${env} between two releases… ${again}`;
}

/** The notice of the second signal: what was left, and the one command that finishes it. */
export function stopNotice(operation: InterruptedOperation, env: string, signal: string): string {
  const what = operation === 'deploy' ? 'the deploy' : operation === 'rollback' ? 'the rollback' : 'the recovery';
  const finish = operation === 'deploy' ? 'roll it back' : 'finish the rollback';
  return `stopped now (${signal}): ${what} of ${env} did not finish and its journal is kept; run \`${recoverCommand(env)}\` to ${finish} (it takes over the lock this process held)`;
}

export function watchInterrupts(opts: InterruptOptions): InterruptWatch {
  const source: SignalSource = opts.signals ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let rollingBack = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(new Error(`interrupted by the operator (${signal})`));
      opts.err(firstNotice(opts.operation, opts.env, signal, rollingBack));
      return;
    }
    opts.err(stopNotice(opts.operation, opts.env, signal));
    exit(EXIT_CODE[signal] ?? 1);
  };
  for (const s of WATCHED) source.on(s, onSignal);
  return {
    signal: controller.signal,
    tracking: (listener) => (event) => {
      if (event.type === 'step_started' && event.phase === 'rollback') rollingBack = true;
      listener?.(event);
    },
    dispose: () => {
      for (const s of WATCHED) source.removeListener(s, onSignal);
    },
  };
}
