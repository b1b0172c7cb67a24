/**
 * The checks a deploy and a rollback both end with: health (HTTP and every container running and,
 * where it has a Docker healthcheck, healthy), integrity (a command plus database reachability),
 * and logs (no critical line since the deploy started).
 */
import { composeExecArgv } from '../../adapters/compose-cli.js';
import { describeFailure, probeHealth, type HealthAttempt } from '../../adapters/http-health.js';
import { runCommand } from '../../adapters/process-runner.js';
import type { ServiceContainer } from '../../adapters/dockerode-runtime.js';
import { failed, passed, tailLines, type StageContext, type StageOutcome } from '../stage-context.js';
import { serviceCommandStage } from './compose-commands.js';

const LOG_EVIDENCE_LINES = 100;

function containerProblems(containers: readonly ServiceContainer[]): string[] {
  const running = containers.filter((c) => !c.oneOff);
  if (running.length === 0) return ['no service containers exist'];
  return running.flatMap((c) => {
    if (c.state !== 'running') return [`${c.service} is ${c.state}`];
    if (c.health === 'unhealthy' || c.health === 'starting') return [`${c.service} is ${c.health}`];
    return [];
  });
}

/** Evidence first: log tails of every service, read before anything is stopped or removed. */
export async function serviceLogTails(ctx: StageContext): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of await ctx.runtime.serviceContainers(ctx.compose.project)) {
    if (c.oneOff) continue;
    out[c.service] = await ctx.runtime.logs(c.id, { tail: LOG_EVIDENCE_LINES }).catch((e: Error) => [`(logs unavailable: ${e.message})`]);
  }
  return out;
}

export async function healthStage(ctx: StageContext, opts: { retries?: number } = {}): Promise<StageOutcome> {
  const health = ctx.env.health;
  const retries = opts.retries ?? health.retries;
  const attempts: HealthAttempt[] = [];
  let problems: string[] = [];
  for (let i = 0; i < retries; i++) {
    if (i > 0) await sleep(health.delaySeconds * 1000, ctx.signal);
    const http = await probeHealth(health, { retries: 1, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    attempts.push(...http.attempts);
    problems = containerProblems(await ctx.runtime.serviceContainers(ctx.compose.project));
    if (http.healthy && problems.length === 0) return passed(undefined, { attempts: attempts.length, status: http.attempts[0]?.status });
  }
  const httpOk = attempts.at(-1)?.status === health.expectStatus;
  const reason = httpOk ? `health check: ${problems.join(', ')}` : `health check: ${describeFailure(health, attempts)}`;
  return failed(reason, { attempts, containers: problems, logs: await serviceLogTails(ctx) });
}

export async function integrityStage(ctx: StageContext): Promise<StageOutcome> {
  const db = await databaseReachable(ctx);
  if (!db.ok) return failed(`integrity: database not reachable: ${db.detail}`);
  const cmd = ctx.env.stages.integrity;
  if (!cmd) return passed(undefined, { database: db.detail });
  return serviceCommandStage(ctx, 'integrity', cmd);
}

async function databaseReachable(ctx: StageContext): Promise<{ ok: boolean; detail: string }> {
  const db = ctx.env.database;
  const argv = db.url
    ? ['pg_isready', '-d', db.url]
    : composeExecArgv(ctx.compose, db.service ?? 'db', ['pg_isready', '-U', db.user, '-d', db.name]);
  const r = await runCommand({ argv, cwd: ctx.compose.appDir, timeoutMs: 30000, env: db.url ? { PGCONNECT_TIMEOUT: '5' } : undefined });
  // pg_isready echoes its connection target; never echo a URL that may carry a password.
  return { ok: r.exitCode === 0, detail: r.exitCode === 0 ? 'accepting connections' : `pg_isready exit ${r.exitCode}` };
}

export async function logsStage(ctx: StageContext, since: Date): Promise<StageOutcome> {
  const patterns = ctx.env.logs.criticalPatterns.map((p) => new RegExp(p));
  const only = ctx.env.logs.services;
  const hits: Array<{ service: string; line: string }> = [];
  for (const c of await ctx.runtime.serviceContainers(ctx.compose.project)) {
    if (c.oneOff || (only && !only.includes(c.service))) continue;
    for (const line of await ctx.runtime.logs(c.id, { since })) {
      if (patterns.some((p) => p.test(line))) hits.push({ service: c.service, line: line.slice(0, 500) });
    }
  }
  if (hits.length === 0) return passed(undefined, { scannedSince: since.toISOString() });
  const first = hits[0]!;
  return failed(`logs: ${hits.length} critical line(s), first in ${first.service}: ${tailLines(first.line, 1)}`, { hits: hits.slice(0, 20) });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason as Error); }, { once: true });
  });
}
