/**
 * The HTTP health check: GET with the configured headers until the expected status or the attempts
 * run out. Every attempt is kept as evidence (status, first 2 KB of the body, error), because the
 * reason a deploy was rolled back must survive the rollback (kamal #842).
 */
import type { HealthConfig } from '../config/schema.js';

export interface HealthAttempt {
  at: string;
  status: number | null;
  /** First 2 KB of the body, or the connection error. */
  body: string;
  error: string | null;
  durationMs: number;
}

export interface HealthOutcome {
  healthy: boolean;
  attempts: HealthAttempt[];
  /** In words, e.g. "GET /health/ returned 503 3 times". */
  summary: string;
}

const BODY_LIMIT = 2048;

export interface ProbeOptions {
  retries?: number;
  delayMs?: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export async function probeHealth(health: HealthConfig, opts: ProbeOptions = {}): Promise<HealthOutcome> {
  const retries = opts.retries ?? health.retries;
  const delayMs = opts.delayMs ?? health.delaySeconds * 1000;
  const sleep = opts.sleep ?? defaultSleep;
  const attempts: HealthAttempt[] = [];
  for (let i = 0; i < retries; i++) {
    if (i > 0) await sleep(delayMs, opts.signal);
    const attempt = await probeOnce(health);
    attempts.push(attempt);
    if (attempt.status === health.expectStatus) {
      return { healthy: true, attempts, summary: `GET ${pathOf(health.url)} returned ${attempt.status} (attempt ${i + 1} of ${retries})` };
    }
  }
  return { healthy: false, attempts, summary: describeFailure(health, attempts) };
}

async function probeOnce(health: HealthConfig): Promise<HealthAttempt> {
  const started = Date.now();
  const at = new Date(started).toISOString();
  try {
    const res = await fetch(health.url, {
      headers: health.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(health.timeoutSeconds * 1000),
    });
    const text = await res.text();
    return { at, status: res.status, body: text.slice(0, BODY_LIMIT), error: null, durationMs: Date.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.code ?? cause?.message ?? (error as Error).message;
    return { at, status: null, body: '', error: message, durationMs: Date.now() - started };
  }
}

/** "GET /health/ returned 503 three times" or "GET /health/ failed 5 times: ECONNREFUSED". */
export function describeFailure(health: HealthConfig, attempts: readonly HealthAttempt[]): string {
  const path = pathOf(health.url);
  const statuses = [...new Set(attempts.map((a) => (a.status === null ? a.error ?? 'no answer' : String(a.status))))];
  const times = attempts.length === 1 ? 'once' : `${attempts.length} times`;
  return statuses.length === 1
    ? `GET ${path} returned ${statuses[0]} ${times} (expected ${health.expectStatus})`
    : `GET ${path} failed ${times} (${statuses.join(', ')}; expected ${health.expectStatus})`;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}
