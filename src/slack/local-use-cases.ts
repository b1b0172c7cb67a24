/**
 * The Slack use cases on this host's ripcord.yml: previews, pickers and status are host reads
 * (host-reads.ts) answered by the bot's reader process, `submit` goes through the queue, and
 * `follow` reads the operation's event stream from its first event. The bot's own process never
 * starts a child per request: a fork of a process this size blocks its event loop, and with it
 * every acknowledgement (bench/ack).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import type { OperationRequest } from '../operations/request.js';
import type { OperationEvent } from '../operations/service-report.js';
import { followEvents } from '../queue/operation-events.js';
import { OperationSubmitter, type Submitted } from '../queue/operation-submitter.js';
import { recentOperations, type RecentOperation } from '../queue/recent-operations.js';
import { durableConnection } from '../queue/redis-connections.js';
import { EnvironmentLocks } from '../state/environment-lock.js';
import { HostReader } from './reader/host-reader.js';
import type { HostReads } from '../operations/host-reads.js';
import type { SlackUseCases } from './use-cases.js';

export class LocalUseCases implements SlackUseCases {
  private readonly followers = new Set<Redis>();
  /** For reads that do not block (the Home tab's recent operations); opened on first use. */
  private reader: Redis | undefined;
  private readonly locks: EnvironmentLocks;
  private constructor(private readonly config: RipcordConfig, private readonly submitter: OperationSubmitter, private readonly hostReader: HostReader) {
    this.locks = new EnvironmentLocks(config.stateDir);
  }

  previewDeploy(...a: Parameters<HostReads['previewDeploy']>) { return this.hostReader.reads.previewDeploy(...a); }
  recentReleases(...a: Parameters<HostReads['recentReleases']>) { return this.hostReader.reads.recentReleases(...a); }
  status(...a: Parameters<HostReads['status']>) { return this.hostReader.reads.status(...a); }
  previewRollback(...a: Parameters<HostReads['previewRollback']>) { return this.hostReader.reads.previewRollback(...a); }
  rollbackChoices(...a: Parameters<HostReads['rollbackChoices']>) { return this.hostReader.reads.rollbackChoices(...a); }
  backups(...a: Parameters<HostReads['backups']>) { return this.hostReader.reads.backups(...a); }
  previewRestore(...a: Parameters<HostReads['previewRestore']>) { return this.hostReader.reads.previewRestore(...a); }
  currentSha(...a: Parameters<HostReads['currentSha']>) { return this.hostReader.reads.currentSha(...a); }

  static async open(config: RipcordConfig, log: Logger): Promise<LocalUseCases> {
    const submitter = await OperationSubmitter.connect(config);
    const reader = new HostReader(config, log);
    reader.warm();
    return new LocalUseCases(config, submitter, reader);
  }

  environments(): string[] { return Object.keys(this.config.environments); }

  channelOf(environment: string): string { return this.config.environments[environment]?.slack.channel ?? '#deploys'; }

  submit(request: OperationRequest): Promise<Submitted> { return this.submitter.submit(request); }

  async *follow(operationId: string, signal: AbortSignal): AsyncIterable<OperationEvent> {
    // XREAD BLOCK holds its connection: one per followed operation, closed when it ends.
    const redis = durableConnection(this.config.redis.url);
    this.followers.add(redis);
    try {
      yield* followEvents(redis, this.config.redis.prefix, operationId, signal);
    } finally {
      this.followers.delete(redis);
      redis.disconnect();
    }
  }

  /** A file read, so it stays here: every confirm asks it, and it must not wait behind a preview. */
  async lockHolder(environment: string): Promise<string | null> {
    const holder = await this.locks.holder(environment);
    return holder ? this.locks.describeOwner(holder) : null;
  }

  async recentOperations(environment: string, n: number): Promise<RecentOperation[]> {
    this.reader ??= durableConnection(this.config.redis.url);
    return recentOperations(this.reader, this.config.redis.prefix, environment, n);
  }

  async close(): Promise<void> {
    for (const r of this.followers) r.disconnect();
    this.reader?.disconnect();
    await Promise.all([this.submitter.close(), this.hostReader.close()]);
  }
}
