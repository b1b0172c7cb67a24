/**
 * What the Slack handlers may ask of Ripcord — one call each (implemented in local-use-cases.ts):
 * the host reads (operations/host-reads.ts, run in the reader process) and the bot's own.
 * The handlers never touch git, Docker or the database themselves.
 */
import type { HostReads } from '../operations/host-reads.js';
import type { OperationRequest } from '../operations/request.js';
import type { OperationEvent } from '../operations/service-report.js';
import type { Submitted } from '../queue/operation-submitter.js';
import type { RecentOperation } from '../queue/recent-operations.js';

export interface SlackUseCases extends HostReads {
  environments(): string[];
  channelOf(environment: string): string;
  submit(request: OperationRequest): Promise<Submitted>;
  follow(operationId: string, signal: AbortSignal): AsyncIterable<OperationEvent>;
  /** Who holds the environment lock, doing what, since when — or null. */
  lockHolder(environment: string): Promise<string | null>;
  recentOperations(environment: string, n: number): Promise<RecentOperation[]>;
  close(): Promise<void>;
}
