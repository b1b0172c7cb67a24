/**
 * bench/traffic: what a failed deploy's rollback does to what users committed. On the reference
 * stack, a client commits one row through the app every 100 ms (GET /cgi-bin/order.cgi) from 1 s
 * before the deploy until 1 s after it ended and keeps its own log of acknowledged rows. Per failing
 * release and per way, it prints the writes acknowledged during the deploy, the acknowledged writes
 * lost (not in the live database after the rollback) and the requests refused:
 *   - health-503:      deployed over v1.1.0, no new migration, health fails after `up`
 *   - migration-fails: its migration changes data, then fails (outside a transaction)
 * Ways, in the same run, one after the other, each from v1.1.0:
 *   - ripcord dump_restore / clone_swap: runDeploy in-process, automatic rollback
 *   - old way: update.sh + rollback.sh as plain commands — `pg_dump | gzip` FIRST, then fetch,
 *     checkout, compose build, migrate, up, health polled; on failure git reset --hard, stop web,
 *     drop/create + `gunzip -c | psql`, compose build, up, wait until healthy
 *
 *   node --import tsx bench/traffic/run.ts [rounds=1]
 */
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { runDeploy } from '../../src/executor/deploy.js';
import { openExecutorEnv } from '../../src/executor/executor-env.js';
import { createLogger } from '../../src/log/logger.js';
import { createReferenceStack, type ReferenceStack } from '../../test/support/stack/reference-stack.js';
import { headSha, run, waitFor } from '../../test/support/stack/stack-helpers.js';
import { startWriter, type Ack } from '../../test/support/writer.js';

const rounds = Number(process.argv[2] ?? 1);
const log = createLogger({ name: 'bench', level: 'silent' });
/** The same health check for both: 4 tries, 1 s apart (as test/integration/rollback-traffic). */
const HEALTH = { retries: 4, delaySeconds: 1, timeoutSeconds: 3 };
const KINDS = ['health-503', 'migration-fails'] as const;
const WAYS = ['dump_restore', 'clone_swap', 'old way'] as const;
type Kind = (typeof KINDS)[number];
type Way = (typeof WAYS)[number];

interface Outcome { kind: Kind; way: Way; seconds: number; acked: number; lost: number; refused: number; ripcord: string }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const psql = (stack: ReferenceStack, db: string, sql: string) =>
  run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', db, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-Atc', sql], '/', 120_000);
const sh = (script: string, cwd: string) => run(['bash', '-c', `set -euo pipefail; ${script}`], cwd, 600_000);
const healthStatus = (stack: ReferenceStack) => fetch(stack.healthUrl, { signal: AbortSignal.timeout(HEALTH.timeoutSeconds * 1000) }).then((r) => r.status, () => 0);

/** Ripcord's automatic rollback; returns what its report says it did to the database. */
async function ripcordDeploy(stack: ReferenceStack, ref: Kind, strategy: 'dump_restore' | 'clone_swap'): Promise<string> {
  stack.writeConfig({ health: { url: stack.healthUrl, ...HEALTH }, database: { service: 'db', name: 'app', user: 'postgres', rollbackStrategy: strategy } });
  const { config } = loadConfig({ configPath: stack.configPath, env: {} });
  const report = await runDeploy(await openExecutorEnv(config, 'production', log), { ref, requestedBy: 'bench' });
  if (report.outcome !== 'rolled_back') throw new Error(`${ref} (${strategy}): expected rolled_back, got ${report.outcome}: ${report.reason}`);
  const db = report.database;
  if (!db) return 'no database outcome';
  return db.action === 'restored' && db.rowsLost ? `restored, reported ${db.rowsLost.byTable['public.orders'] ?? 0} orders rows lost` : db.action;
}

/** update.sh after its backup: fetch, checkout, build, migrate, up, health. Returns the stage that failed. */
async function oldUpdate(stack: ReferenceStack, ref: Kind): Promise<string | null> {
  const stages: [string, () => Promise<unknown>][] = [
    ['pull', () => run(['git', 'fetch', '-q', '--tags', 'origin'], stack.appDir, 60_000)
      .then(() => run(['git', 'checkout', '-q', '--force', '--detach', ref], stack.appDir, 60_000))],
    ['build', () => run(stack.compose(['build', '-q']), stack.appDir, 600_000)],
    ['migrate', () => run(stack.compose(['run', '--rm', '--no-deps', '-T', 'tasks', 'sh', '-c', '/app/bin/migrate']), stack.appDir, 120_000)],
    ['up', () => run(stack.compose(['up', '-d']), stack.appDir, 120_000)],
    ['health', () => oldHealthCheck(stack)],
  ];
  for (const [name, stage] of stages) {
    try {
      await stage();
    } catch {
      return name;
    }
  }
  return null;
}

/** HEALTH_CHECK_RETRIES tries, HEALTH_CHECK_DELAY apart. */
async function oldHealthCheck(stack: ReferenceStack): Promise<void> {
  for (let i = 1; i <= HEALTH.retries; i++) {
    if ((await healthStatus(stack)) === 200) return;
    if (i < HEALTH.retries) await sleep(HEALTH.delaySeconds * 1000);
  }
  throw new Error('health check failed');
}

/** The old scripts: backup first, update, and on failure rollback.sh's automatic rollback. */
async function oldWayDeploy(stack: ReferenceStack, ref: Kind): Promise<string> {
  const saved = await headSha(stack.appDir);
  const dump = join(stack.root, `backup_${Date.now()}.sql.gz`);
  const conn = `-h 127.0.0.1 -p ${stack.dbPort} -U postgres`;
  await sh(`pg_dump ${conn} app | gzip > ${dump}`, '/');
  const failed = await oldUpdate(stack, ref);
  if (!failed) throw new Error(`${ref}: the old way's update did not fail`);
  await run(['git', 'reset', '-q', '--hard', saved], stack.appDir, 60_000);
  await run(stack.compose(['stop', 'web']), stack.appDir, 120_000);
  await psql(stack, 'postgres', 'DROP DATABASE app WITH (FORCE)');
  await psql(stack, 'postgres', 'CREATE DATABASE app');
  await sh(`gunzip -c ${dump} | psql ${conn} -d app -X -q -v ON_ERROR_STOP=1 >/dev/null`, '/');
  await run(stack.compose(['build', '-q']), stack.appDir, 600_000);
  await run(stack.compose(['up', '-d']), stack.appDir, 120_000);
  await waitFor(async () => (await healthStatus(stack)) === 200, 120_000, 'the old release to be healthy again');
  return `failed at ${failed}, dump restored`;
}

/**
 * Acknowledged rows not in the live database, found by their unique note, never by ID: a restore
 * puts the ID sequence back, so later writes reuse the IDs of the rows it took away.
 */
async function lostAcks(stack: ReferenceStack, acked: readonly Ack[]): Promise<number> {
  const notes = acked.map((a) => `'${a.note}'`);
  const present = new Set((await psql(stack, 'app', `select note from orders where note in (${notes.join(',') || "''"})`)).split('\n').filter(Boolean));
  return acked.filter((a) => !present.has(a.note)).length;
}

async function underTraffic(stack: ReferenceStack, kind: Kind, way: Way): Promise<Outcome> {
  const writer = startWriter(stack.webPort, 100);
  await sleep(1000);
  const started = Date.now();
  let ended = started;
  let ripcord = '';
  try {
    ripcord = way === 'old way' ? await oldWayDeploy(stack, kind) : await ripcordDeploy(stack, kind, way);
  } finally {
    ended = Date.now();
    await sleep(1000);
    await writer.stop();
  }
  const acked = writer.acked.filter((a) => a.at >= started && a.at <= ended).length;
  return { kind, way, seconds: (ended - started) / 1000, acked, lost: await lostAcks(stack, writer.acked), refused: writer.refused, ripcord };
}

/** Every run starts from v1.1.0, healthy, with the same items (a restore or a kept database both leave it so). */
async function atBaseline(stack: ReferenceStack, baseline: { sha: string; items: string }): Promise<void> {
  const sha = await headSha(stack.appDir);
  if (sha !== baseline.sha) throw new Error(`the checkout is at ${sha}, not v1.1.0 (${baseline.sha}): the previous run did not roll back`);
  await waitFor(async () => (await healthStatus(stack)) === 200, 60_000, 'v1.1.0 to be healthy');
  const items = await psql(stack, 'app', 'select md5(string_agg(t::text, \',\' order by id)) from items t');
  if (items !== baseline.items) throw new Error('the items table differs from v1.1.0\'s: the previous run left the failed migration\'s changes');
}

async function setUp(stack: ReferenceStack): Promise<{ sha: string; items: string }> {
  await stack.up();
  await psql(stack, 'app', 'create table orders (id bigserial primary key, note text not null, at timestamptz not null default now())');
  stack.writeConfig({ health: { url: stack.healthUrl, ...HEALTH } });
  const { config } = loadConfig({ configPath: stack.configPath, env: {} });
  const first = await runDeploy(await openExecutorEnv(config, 'production', log), { ref: 'v1.1.0', requestedBy: 'bench' });
  if (first.outcome !== 'succeeded') throw new Error(`baseline deploy of v1.1.0: ${first.reason}`);
  return { sha: await headSha(stack.appDir), items: await psql(stack, 'app', 'select md5(string_agg(t::text, \',\' order by id)) from items t') };
}

function printRow(o: Outcome): void {
  const way = o.way === 'old way' ? 'old way' : `ripcord ${o.way}`;
  console.log(`${o.kind.padEnd(16)} ${way.padEnd(21)} ${o.seconds.toFixed(1).padStart(8)}  ${String(o.acked).padStart(5)}  ${String(o.lost).padStart(4)}  ${String(o.refused).padStart(7)}  ${o.ripcord}`);
}

function printRatios(rows: readonly Outcome[]): void {
  for (const kind of KINDS) {
    const lost = (way: Way) => rows.filter((r) => r.kind === kind && r.way === way).reduce((sum, r) => sum + r.lost, 0);
    const old = lost('old way');
    const ratio = (way: Way) => (lost(way) === 0 ? `0 vs ${old}` : old === 0 ? `${lost(way)} vs 0` : `${lost(way)}/${old} = ${(lost(way) / old).toFixed(2)}`);
    console.log(`lost(ripcord)/lost(old) ${kind}: dump_restore ${ratio('dump_restore')}, clone_swap ${ratio('clone_swap')}`);
  }
}

const stack = await createReferenceStack();
try {
  const baseline = await setUp(stack);
  console.log(`writer: one row every 100 ms from 1 s before each deploy to 1 s after it; ${rounds} round(s); health ${HEALTH.retries} tries ${HEALTH.delaySeconds} s apart`);
  console.log('kind             way                   deploy_s  acked  lost  refused  database');
  const rows: Outcome[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const kind of KINDS) {
      for (const way of WAYS) {
        await atBaseline(stack, baseline);
        const outcome = await underTraffic(stack, kind, way);
        rows.push(outcome);
        printRow(outcome);
      }
    }
  }
  printRatios(rows);
} finally {
  await stack.cleanup();
}
