/**
 * bench/traffic: what a failed deploy's rollback does to what users committed. On the reference
 * stack, one client commits a row through the app (GET /cgi-bin/order.cgi) and another straight to
 * the database (a worker or job outside the app), each every 100 ms, from 1 s before the deploy
 * until 1 s after it ended; each keeps its own log of acknowledged rows. Per failing release and per
 * way, it prints the writes acknowledged during the deploy, the acknowledged writes missing from the
 * live database after the rollback, the rows Ripcord's report says the restore took away, the
 * acknowledged writes in no backup at all (missing from live and from the safety backup: must be 0),
 * the requests refused, and whether the old web container was restarted:
 *   - health-503:      deployed over v1.1.0, no new migration, health fails after `up`
 *   - migration-fails: its migration changes data, then fails (outside a transaction)
 *   - migration-fails-in-tx: its migration fails inside its transaction (migrations.eachInTransaction
 *     true): nothing changed, and the old web, never replaced, must keep serving
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
import { startDatabaseWriter, startWriter, type Ack } from '../../test/support/writer.js';
import { MIGRATION_FAILS_IN_TRANSACTION, tagRelease } from '../../test/support/stack/extra-release.js';
import { restoreBackupInto } from '../../src/backups/index.js';

const rounds = Number(process.argv[2] ?? 1);
const log = createLogger({ name: 'bench', level: 'silent' });
/** The same health check for both: 4 tries, 1 s apart (as test/integration/rollback-traffic). */
const HEALTH = { retries: 4, delaySeconds: 1, timeoutSeconds: 3 };
const KINDS = ['health-503', 'migration-fails', 'migration-fails-in-tx'] as const;
const WAYS = ['dump_restore', 'clone_swap', 'old way'] as const;
type Kind = (typeof KINDS)[number];
type Way = (typeof WAYS)[number];

interface Outcome {
  kind: Kind; way: Way; seconds: number; acked: number; lost: number; reported: string; noBackup: number; refused: number; webRestarted: boolean; ripcord: string;
}
/** What Ripcord's report says it did to the database: in words, the `orders` rows it counts as taken away, the safety backup. */
interface Reported { text: string; orders: string; safety: string | null }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const psql = (stack: ReferenceStack, db: string, sql: string) =>
  run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', db, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-Atc', sql], '/', 120_000);
const sh = (script: string, cwd: string) => run(['bash', '-c', `set -euo pipefail; ${script}`], cwd, 600_000);
const healthStatus = (stack: ReferenceStack) => fetch(stack.healthUrl, { signal: AbortSignal.timeout(HEALTH.timeoutSeconds * 1000) }).then((r) => r.status, () => 0);

/** Ripcord's automatic rollback; returns what its report says it did to the database. */
async function ripcordDeploy(stack: ReferenceStack, kind: Kind, strategy: 'dump_restore' | 'clone_swap'): Promise<Reported> {
  const migrations = { eachInTransaction: kind === 'migration-fails-in-tx' };
  stack.writeConfig({ health: { url: stack.healthUrl, ...HEALTH }, database: { service: 'db', name: 'app', user: 'postgres', rollbackStrategy: strategy, migrations } });
  const { config } = loadConfig({ configPath: stack.configPath, env: {} });
  const ref = kind === 'migration-fails-in-tx' ? MIGRATION_FAILS_IN_TRANSACTION.tag : kind;
  const report = await runDeploy(await openExecutorEnv(config, 'production', log), { ref, requestedBy: 'bench' });
  if (report.outcome !== 'rolled_back') throw new Error(`${ref} (${strategy}): expected rolled_back, got ${report.outcome}: ${report.reason}`);
  const db = report.database;
  if (db?.action !== 'restored') return { text: db?.action ?? 'no database outcome', orders: '-', safety: null };
  const orders = db.rowsLost ? String(db.rowsLost.byTable['public.orders'] ?? 0) : `uncounted: ${db.rowsUncounted ?? '?'}`;
  return { text: `restored (${db.how ?? ''})`, orders, safety: db.safetyBackup };
}

/** update.sh after its backup: fetch, checkout, build, migrate, up, health. Returns the stage that failed. */
async function oldUpdate(stack: ReferenceStack, ref: string): Promise<string | null> {
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
async function oldWayDeploy(stack: ReferenceStack, kind: Kind): Promise<Reported> {
  const ref = kind === 'migration-fails-in-tx' ? MIGRATION_FAILS_IN_TRANSACTION.tag : kind;
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
  return { text: `failed at ${failed}, dump restored`, orders: '-', safety: null };
}

/**
 * Acknowledged rows not in the live database, found by their unique note, never by ID: a restore
 * puts the ID sequence back, so later writes reuse the IDs of the rows it took away.
 */
async function notIn(stack: ReferenceStack, db: string, acked: readonly Ack[]): Promise<Ack[]> {
  const notes = acked.map((a) => `'${a.note}'`);
  const present = new Set((await psql(stack, db, `select note from orders where note in (${notes.join(',') || "''"})`)).split('\n').filter(Boolean));
  return acked.filter((a) => !present.has(a.note));
}

/** Of `acked`, those the safety backup does not hold either (restored beside the live database to look). */
async function inNoBackup(stack: ReferenceStack, safety: string | null, acked: readonly Ack[]): Promise<number> {
  if (!safety || acked.length === 0) return acked.length;
  const scratch = `bench_safety_${Date.now()}`;
  const { config } = loadConfig({ configPath: stack.configPath, env: {} });
  await restoreBackupInto(config.environments.production!, safety, scratch);
  try {
    return (await notIn(stack, scratch, acked)).length;
  } finally {
    await psql(stack, 'postgres', `drop database ${scratch}`);
  }
}

const webContainer = async (stack: ReferenceStack) =>
  run(['docker', 'inspect', '-f', '{{.Id}} {{.State.StartedAt}}', (await run(stack.compose(['ps', '-q', 'web']), stack.appDir, 60_000)).trim()], '/', 60_000);

async function underTraffic(stack: ReferenceStack, kind: Kind, way: Way): Promise<Outcome> {
  const web = await webContainer(stack);
  const writers = [startWriter(stack.webPort, 100), startDatabaseWriter(stack.dbPort, 'app', 100)];
  await sleep(1000);
  const started = Date.now();
  let ended = started;
  let reported: Reported = { text: '', orders: '-', safety: null };
  try {
    reported = way === 'old way' ? await oldWayDeploy(stack, kind) : await ripcordDeploy(stack, kind, way);
  } finally {
    ended = Date.now();
    await sleep(1000);
    await Promise.all(writers.map((w) => w.stop()));
  }
  const all = writers.flatMap((w) => w.acked);
  const missing = await notIn(stack, 'app', all);
  return {
    kind, way, seconds: (ended - started) / 1000, acked: all.filter((a) => a.at >= started && a.at <= ended).length, lost: missing.length,
    reported: reported.orders, noBackup: await inNoBackup(stack, reported.safety, missing), refused: writers.reduce((n, w) => n + w.refused, 0),
    webRestarted: (await webContainer(stack)) !== web, ripcord: reported.text,
  };
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
  await tagRelease(stack, MIGRATION_FAILS_IN_TRANSACTION.tag, MIGRATION_FAILS_IN_TRANSACTION.base, MIGRATION_FAILS_IN_TRANSACTION.files);
  return { sha: await headSha(stack.appDir), items: await psql(stack, 'app', 'select md5(string_agg(t::text, \',\' order by id)) from items t') };
}

function printRow(o: Outcome): void {
  const way = o.way === 'old way' ? 'old way' : `ripcord ${o.way}`;
  const cells = [o.seconds.toFixed(1).padStart(8), String(o.acked).padStart(5), String(o.lost).padStart(7), o.reported.padStart(8), String(o.noBackup).padStart(9), String(o.refused).padStart(7), (o.webRestarted ? 'yes' : 'no').padStart(11)];
  console.log(`${o.kind.padEnd(21)} ${way.padEnd(21)} ${cells.join('  ')}  ${o.ripcord}`);
}

function printRatios(rows: readonly Outcome[]): void {
  for (const kind of KINDS) {
    const lost = (way: Way) => rows.filter((r) => r.kind === kind && r.way === way).reduce((sum, r) => sum + r.lost, 0);
    const old = lost('old way');
    const ratio = (way: Way) => (lost(way) === 0 ? `0 vs ${old}` : old === 0 ? `${lost(way)} vs 0` : `${lost(way)}/${old} = ${(lost(way) / old).toFixed(2)}`);
    console.log(`lost(ripcord)/lost(old) ${kind}: dump_restore ${ratio('dump_restore')}, clone_swap ${ratio('clone_swap')}`);
  }
  const noBackup = rows.filter((r) => r.way !== 'old way').reduce((sum, r) => sum + r.noBackup, 0);
  console.log(`acknowledged writes in no backup after a Ripcord rollback (must be 0): ${noBackup}`);
}

const stack = await createReferenceStack();
try {
  const baseline = await setUp(stack);
  console.log(`writers: through the app and straight to the database, one row each every 100 ms from 1 s before each deploy to 1 s after it; ${rounds} round(s); health ${HEALTH.retries} tries ${HEALTH.delaySeconds} s apart`);
  console.log('kind                  way                   deploy_s  acked  missing  reported  no_backup  refused  web_restart  database');
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
