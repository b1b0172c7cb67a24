/**
 * The read-only use cases behind previews, pickers and /status run git and Docker commands on the
 * host (in the bot's reader process, reader/). At most MAX_CONCURRENT of them run at once, after
 * their ack: a burst of 50 `/deploy` must not start 50 sets of git commands on the deploy host.
 * The same preview asked again while one is being computed (a channel all typing the same
 * `/deploy`) shares that computation: a deploy preview depends on the environment and the ref,
 * not on who asks. So does the live SHA every confirm reads (bench/ack's 50 concurrent clicks
 * would otherwise read it 50 times).
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
