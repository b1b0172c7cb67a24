/**
 * The read-only use cases behind previews and /status run git and Docker commands, and every
 * child process Node starts costs the event loop a synchronous fork (6.8 s of spawns for 50
 * concurrent previews, measured by bench/ack). Run unbounded, a burst of commands blocks the
 * loop, and envelopes arriving meanwhile are acknowledged seconds late — past Slack's 3 s. At
 * most MAX_CONCURRENT of them run at once; the rest wait their turn after their ack, so the
 * loop stays free to acknowledge the next envelope between spawns. The same preview asked again
 * while one is being computed (a channel all typing the same `/deploy`) shares that computation:
 * a deploy preview depends on the environment and the ref, not on who asks. So does the live SHA
 * every confirm reads (bench/ack's 50 concurrent clicks spawned git 50 times).
 */
import type { SlackUseCases } from './use-cases.js';

export const MAX_CONCURRENT = 2;

class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(body: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await body();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** One computation per key while it is in flight; forgotten as soon as it settles (never a stale cache). */
function sharedWhileInFlight<T>(): (key: string, body: () => Promise<T>) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key, body) => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = body().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}

export function boundedUseCases(inner: SlackUseCases, limit = MAX_CONCURRENT): SlackUseCases {
  const slots = new Semaphore(limit);
  const sharedPreview = sharedWhileInFlight<Awaited<ReturnType<SlackUseCases['previewDeploy']>>>();
  const sharedSha = sharedWhileInFlight<string | null>();
  return {
    environments: () => inner.environments(),
    channelOf: (environment) => inner.channelOf(environment),
    previewDeploy: (environment, ref, requestedBy) => sharedPreview(`${environment}\n${ref}`, () => slots.run(() => inner.previewDeploy(environment, ref, requestedBy))),
    recentReleases: (environment, n) => slots.run(() => inner.recentReleases(environment, n)),
    status: (environment) => slots.run(() => inner.status(environment)),
    previewRollback: (environment, choice, requestedBy) => slots.run(() => inner.previewRollback(environment, choice, requestedBy)),
    rollbackChoices: (environment) => slots.run(() => inner.rollbackChoices(environment)),
    backups: (environment) => slots.run(() => inner.backups(environment)),
    previewRestore: (environment, backup) => slots.run(() => inner.previewRestore(environment, backup)),
    // Every confirm asks what runs now (one git spawn each): a burst of clicks shares one read.
    currentSha: (environment) => sharedSha(environment, () => slots.run(() => inner.currentSha(environment))),
    lockHolder: (environment) => inner.lockHolder(environment),
    recentOperations: (environment, n) => inner.recentOperations(environment, n),
    submit: (request) => inner.submit(request),
    follow: (operationId, signal) => inner.follow(operationId, signal),
    close: () => inner.close(),
  };
}
