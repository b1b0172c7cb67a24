/**
 * The checks a deploy and a rollback both end with: health (HTTP and every container running and,
 * where it has a Docker healthcheck, healthy), integrity (a command plus database reachability),
 * and logs (no critical line since the deploy started).
 */
import { composeExecArgv, type ComposeTarget } from '../../adapters/compose-cli.js';
import type { DatabaseConfig } from '../../config/schema.js';
import { describeFailure, probeHealth, type HealthAttempt, type HealthOutcome } from '../../adapters/http-health.js';
import { runCommand, type Command } from '../../adapters/process-runner.js';
import type { ServiceContainer } from '../../adapters/dockerode-runtime.js';
import { failed, passed, tailLines, type StageContext, type StageOutcome } from '../stage-context.js';
import { serviceCommandStage } from './compose-commands.js';

const LOG_EVIDENCE_LINES = 100;

/**
 * `starting` (a Docker healthcheck with no verdict yet) is a problem for a deploy, whose image is
 * new; a rollback may accept it, because it starts images that were healthy before the deploy —
 * `unhealthy` fails both.
 */
function containerProblems(containers: readonly ServiceContainer[], acceptStarting: boolean): string[] {
  const running = containers.filter((c) => !c.oneOff);
  if (running.length === 0) return ['no service containers exist'];
  return running.flatMap((c) => {
    if (c.state !== 'running') return [`${c.service} is ${c.state}`];
    if (c.health === 'unhealthy' || (c.health === 'starting' && !acceptStarting)) return [`${c.service} is ${c.health}`];
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

export interface HealthOptions {
  /** Attempts; `health.retries` (HEALTH_CHECK_RETRIES) when not given. */
  retries?: number;
  /** Rollbacks: a container whose Docker healthcheck is still `starting` passes (see containerProblems). */
  acceptStarting?: boolean;
}

/** The first quick probe, and the most any quick probe waits: right after a start most apps answer within a second. */
const QUICK_FIRST_MS = 50;
const QUICK_MAX_MS = 1000;

/**
 * `retries` attempts, `health.delaySeconds` (HEALTH_CHECK_DELAY) apart, the first at once. Between
 * the first and the second attempt Ripcord also probes quickly (50 ms, growing to 1 s), so an app
 * that is up 200 ms after its start passes then instead of a whole delay later. Those quick probes
 * do not count as attempts: the time a failing check takes, and the attempts it reports, are as
 * HEALTH_CHECK_RETRIES and HEALTH_CHECK_DELAY say.
 */
export async function healthStage(ctx: StageContext, opts: HealthOptions = {}): Promise<StageOutcome> {
  const health = ctx.env.health;
  const retries = opts.retries ?? health.retries;
  const attempts: HealthAttempt[] = [];
  let problems: string[] = [];
  let quickProbes = 0;
  const check = async (): Promise<Check> => {
    const http = await probeHealth(health, { retries: 1, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    problems = containerProblems(await ctx.runtime.serviceContainers(ctx.compose.project), opts.acceptStarting ?? false);
    return { http, ok: http.healthy && problems.length === 0 };
  };
  const pass = (c: Check) => passed(undefined, { attempts: attempts.length, quickProbes, status: c.http.attempts[0]?.status });
  for (let i = 0; i < retries; i++) {
    if (i === 1) {
      const quick = await probeQuickly(Date.now() + health.delaySeconds * 1000, () => { quickProbes++; return check(); }, ctx.signal);
      if (quick) return pass(quick);
    } else if (i > 1) {
      await sleep(health.delaySeconds * 1000, ctx.signal);
    }
    const attempt = await check();
    attempts.push(...attempt.http.attempts);
    if (attempt.ok) return pass(attempt);
  }
  const httpOk = attempts.at(-1)?.status === health.expectStatus;
  const reason = httpOk ? `health check: ${problems.join(', ')}` : `health check: ${describeFailure(health, attempts)}`;
  return failed(reason, { attempts, quickProbes, containers: problems, logs: await serviceLogTails(ctx) });
}

interface Check { http: HealthOutcome; ok: boolean }

/** Probes after 50 ms, then at intervals growing by half up to 1 s, until `deadline`; the first passing check, or null. */
async function probeQuickly(deadline: number, check: () => Promise<Check>, signal?: AbortSignal): Promise<Check | null> {
  for (let wait = QUICK_FIRST_MS; Date.now() + wait < deadline; wait = Math.min(wait * 1.5, QUICK_MAX_MS)) {
    await sleep(wait, signal);
    const c = await check();
    if (c.ok) return c;
  }
  await sleep(Math.max(0, deadline - Date.now()), signal);
  return null;
}

export async function integrityStage(ctx: StageContext): Promise<StageOutcome> {
  const db = await databaseReachable(ctx);
  if (!db.ok) return failed(`integrity: database not reachable: ${db.detail}`);
  const cmd = ctx.env.stages.integrity;
  if (!cmd) return passed(undefined, { database: db.detail });
  return serviceCommandStage(ctx, 'integrity', cmd);
}

/** libpq's URL parameters and the variables that carry the same setting. */
const URL_PARAM_ENV: Readonly<Record<string, string>> = {
  sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY',
  application_name: 'PGAPPNAME', options: 'PGOPTIONS', target_session_attrs: 'PGTARGETSESSIONATTRS',
};

/**
 * pg_isready where the database is. With database.url the connection travels in libpq's PG*
 * variables — never on argv, where `ps` (and the journal's record of children) would show the
 * password; in service mode it runs inside the database container, which needs none.
 */
export function databaseProbe(db: DatabaseConfig, compose: ComposeTarget): Command {
  if (!db.url) return { argv: composeExecArgv(compose, db.service ?? 'db', ['pg_isready', '-U', db.user, '-d', db.name]), cwd: compose.appDir, timeoutMs: 30000 };
  const url = new URL(db.url);
  const env: Record<string, string> = {
    PGHOST: url.hostname.replace(/^\[|\]$/g, ''), PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username || 'postgres'),
    PGDATABASE: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres', PGCONNECT_TIMEOUT: '5',
  };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  for (const [param, variable] of Object.entries(URL_PARAM_ENV)) {
    const value = url.searchParams.get(param);
    if (value) env[variable] = value;
  }
  return { argv: ['pg_isready'], env, cwd: compose.appDir, timeoutMs: 30000 };
}

async function databaseReachable(ctx: StageContext): Promise<{ ok: boolean; detail: string }> {
  const probe = databaseProbe(ctx.env.database, ctx.compose);
  const r = await runCommand({ ...probe, onSpawn: (pid) => ctx.onChild(pid, probe.argv) });
  // pg_isready echoes its connection target; the exit code says enough.
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
