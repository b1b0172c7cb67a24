/**
 * What every stage and rollback step is given. Stages are small functions of this context that
 * return an outcome; the runner journals before and after each one.
 */
import type { Logger } from 'pino';
import type { EnvironmentConfig } from '../config/schema.js';
import type { ComposeTarget } from '../adapters/compose-cli.js';
import type { ContainerRuntime } from '../adapters/dockerode-runtime.js';

export interface StageContext {
  envName: string;
  env: EnvironmentConfig;
  /** Compose with the project name resolved, so every command and query agree on it. */
  compose: ComposeTarget & { project: string };
  runtime: ContainerRuntime;
  log: Logger;
  /** Called with the PID of every external program started, before waiting on it. */
  onChild: (pid: number, argv: readonly string[]) => void;
  signal?: AbortSignal;
}

export interface StageOutcome {
  ok: boolean;
  /** Why it failed, in words a person reads in Slack: "health check: GET /health/ returned 503 5 times". */
  reason?: string;
  /** Kept in the journal: status codes, body excerpts, log tails, command output tails. */
  evidence?: Record<string, unknown>;
  /** Facts later stages and the rollback plan need (image IDs, backup name). */
  facts?: Record<string, unknown>;
}

export const passed = (facts?: Record<string, unknown>, evidence?: Record<string, unknown>): StageOutcome => ({ ok: true, ...(facts ? { facts } : {}), ...(evidence ? { evidence } : {}) });
export const failed = (reason: string, evidence?: Record<string, unknown>): StageOutcome => ({ ok: false, reason, ...(evidence ? { evidence } : {}) });

/** Services Ripcord must never stop or recreate during a rollback: the database lives there. */
export function databaseServices(env: EnvironmentConfig): Set<string> {
  return new Set(env.database.service ? [env.database.service] : []);
}

/** The last `n` lines of a command's output, for evidence and reasons. */
export function tailLines(text: string, n: number): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-n).join('\n');
}
