/**
 * The read-only use cases behind previews and /status run git and Docker commands, and every
 * child process Node starts costs the event loop a synchronous fork (6.8 s of spawns for 50
 * concurrent previews, measured by bench/ack). Run unbounded, a burst of commands blocks the
 * loop, and envelopes arriving meanwhile are acknowledged seconds late — past Slack's 3 s. At
 * most MAX_CONCURRENT of them run at once; the rest wait their turn after their ack, so the
 * loop stays free to acknowledge the next envelope between spawns.
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

export function boundedUseCases(inner: SlackUseCases, limit = MAX_CONCURRENT): SlackUseCases {
  const slots = new Semaphore(limit);
  return {
    environments: () => inner.environments(),
    channelOf: (environment) => inner.channelOf(environment),
    previewDeploy: (environment, ref, requestedBy) => slots.run(() => inner.previewDeploy(environment, ref, requestedBy)),
    recentReleases: (environment, n) => slots.run(() => inner.recentReleases(environment, n)),
    status: (environment) => slots.run(() => inner.status(environment)),
    submit: (request) => inner.submit(request),
    follow: (operationId, signal) => inner.follow(operationId, signal),
    close: () => inner.close(),
  };
}
