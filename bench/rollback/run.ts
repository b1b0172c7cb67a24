/**
 * bench/rollback: on the reference stack, a release whose health check fails. Measures, in the
 * same run and on the same host, the time from the failed check to healthy-again on the old release:
 *   - ripcord: the automatic rollback (code, stop, database back by the configured strategy, old
 *     images by ID, health), wall clock from the end of the failed health stage to the end of the
 *     rollback's first passing health check (journaling and the gaps between steps included)
 *   - old way: what rollback.sh did (git reset --hard, compose stop, restore the dump, compose build,
 *     compose up -d, poll health)
 *   - floor:   remove the new containers, start the old image (`compose up`), first healthy probe
 * Prints each run side by side and the ratios ripcord/floor and ripcord/old.
 *
 *   node --import tsx bench/rollback/run.ts [runs=3] [strategy=clone_swap]
 */
import { createReadStream } from 'node:fs';
import { loadConfig } from '../../src/config/load-config.js';
import { runDeploy } from '../../src/executor/deploy.js';
import { openExecutorEnv } from '../../src/executor/executor-env.js';
import { createLogger } from '../../src/log/logger.js';
import { runCommand } from '../../src/adapters/process-runner.js';
import { createReferenceStack, type ReferenceStack } from '../../test/support/stack/reference-stack.js';
import { runningImageIds, run, waitFor } from '../../test/support/stack/stack-helpers.js';

const runs = Number(process.argv[2] ?? 3);
const strategy = process.argv[3] ?? 'clone_swap';
const log = createLogger({ name: 'bench', level: 'silent' });

async function executor(stack: ReferenceStack, overrides: Record<string, unknown>) {
  stack.writeConfig({ health: { url: stack.healthUrl, retries: 3, delaySeconds: 0.5, timeoutSeconds: 3 }, ...overrides });
  const { config } = loadConfig({ configPath: stack.configPath, env: {} });
  return openExecutorEnv(config, 'production', log);
}

async function healthy(stack: ReferenceStack): Promise<void> {
  await waitFor(async () => (await fetch(stack.healthUrl).then((r) => r.status).catch(() => 0)) === 200, 120_000, 'health 200');
}

/**
 * Ripcord: from the end of the failed health stage to the end of the rollback's first passing
 * health check; and, for the record, to the end of the whole rollback (integrity, settle_database).
 */
async function ripcordRun(stack: ReferenceStack): Promise<{ healthy: number; done: number }> {
  const x = await executor(stack, { rollback: { healthRetries: 60 }, database: { service: 'db', name: 'app', user: 'postgres', rollbackStrategy: strategy } });
  const report = await runDeploy(x, { ref: 'health-503', requestedBy: 'bench' });
  if (report.outcome !== 'rolled_back') throw new Error(`expected rolled_back, got ${report.outcome}: ${report.reason}`);
  const steps = report.rollback ?? [];
  const endOf = (s: { startedAt: string; durationMs: number } | undefined) => (s ? Date.parse(s.startedAt) + s.durationMs : NaN);
  const failedCheck = report.stages.findLast((s) => s.name === 'health' && s.outcome === 'failed');
  const healthyAgain = steps.find((s) => s.name === 'health' && s.outcome === 'ok');
  if (process.env.BENCH_VERBOSE) console.log(steps.map((s) => `${s.name}=${s.durationMs}ms`).join(' '));
  return { healthy: endOf(healthyAgain) - endOf(failedCheck), done: endOf(steps.at(-1)) - endOf(failedCheck) };
}

/** Leaves the failed release running (automatic rollback off), as the other two start from it. */
async function failedDeploy(stack: ReferenceStack): Promise<{ previousSha: string; backup: string; oldImages: Record<string, string> }> {
  const oldImages = await runningImageIds(stack.id);
  const x = await executor(stack, { rollback: { auto: false } });
  const report = await runDeploy(x, { ref: 'health-503', requestedBy: 'bench' });
  if (report.outcome !== 'failed' || !report.previousSha || !report.preDeployBackup) throw new Error(`unexpected ${report.outcome}`);
  return { previousSha: report.previousSha, backup: report.preDeployBackup, oldImages };
}

async function oldWayRun(stack: ReferenceStack): Promise<number> {
  const { previousSha, backup } = await failedDeploy(stack);
  const started = performance.now();
  await run(['git', 'reset', '--hard', previousSha], stack.appDir, 60_000);
  await run(stack.compose(['stop', 'web']), stack.appDir, 120_000);
  // rollback.sh: drop and recreate, then load the dump.
  const psql = ['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-X', '-q'];
  await run([...psql, '-d', 'postgres', '-c', 'DROP DATABASE app WITH (FORCE)', '-c', 'CREATE DATABASE app'], '/', 60_000);
  const r = await runCommand({ argv: ['pg_restore', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', 'app'], stdin: createReadStream(`${stack.backupDir}/${backup}`), timeoutMs: 600_000 });
  if (r.exitCode !== 0) throw new Error(r.stderr);
  await run(stack.compose(['build']), stack.appDir, 600_000);
  await run(stack.compose(['up', '-d']), stack.appDir, 120_000);
  await healthy(stack);
  return performance.now() - started;
}

async function floorRun(stack: ReferenceStack): Promise<number> {
  const { previousSha, oldImages } = await failedDeploy(stack);
  await run(['git', 'checkout', '-q', '--force', '--detach', previousSha], stack.appDir, 60_000);
  const started = performance.now();
  const web = (await run(['docker', 'ps', '-q', '--filter', `label=com.docker.compose.project=${stack.id}`, '--filter', 'label=com.docker.compose.service=web'], '/', 30_000)).trim();
  await run(['docker', 'rm', '-f', web], '/', 60_000);
  await run(['docker', 'tag', oldImages.web!, `${stack.id}_web`], '/', 30_000);
  await run(stack.compose(['up', '-d', '--no-build', 'web']), stack.appDir, 120_000);
  await healthy(stack);
  return performance.now() - started;
}

const stack = await createReferenceStack();
try {
  await stack.up();
  const x = await executor(stack, {});
  const first = await runDeploy(x, { ref: 'v1.1.0', requestedBy: 'bench' });
  if (first.outcome !== 'succeeded') throw new Error(`baseline deploy: ${first.reason}`);
  console.log(`ripcord: database.rollbackStrategy ${strategy}; ${runs} runs, each ripcord → old way → floor`);
  console.log('run  ripcord_ms  old_way_ms  floor_ms  ripcord/floor  ripcord/old  ripcord_finished_ms');
  const rows: number[][] = [];
  for (let i = 1; i <= runs; i++) {
    const rip = await ripcordRun(stack);
    const old = await oldWayRun(stack);
    const floor = await floorRun(stack);
    rows.push([rip.healthy, old, floor]);
    console.log(`${String(i).padEnd(4)} ${rip.healthy.toFixed(0).padStart(9)}  ${old.toFixed(0).padStart(10)}  ${floor.toFixed(0).padStart(8)}  ${(rip.healthy / floor).toFixed(2).padStart(13)}  ${(rip.healthy / old).toFixed(2).padStart(11)}  ${rip.done.toFixed(0).padStart(19)}`);
  }
  const median = (k: number) => rows.map((r) => r[k]!).sort((a, b) => a - b)[Math.floor(rows.length / 2)]!;
  console.log(`median ripcord ${median(0).toFixed(0)} ms, old way ${median(1).toFixed(0)} ms, floor ${median(2).toFixed(0)} ms`);
  const floorMet = median(0) / median(2) <= 1.5;
  console.log(`ratios: ripcord/floor ${(median(0) / median(2)).toFixed(2)} (target ≤ 1.5: ${floorMet ? 'met' : 'NOT met'}; worst run ${Math.max(...rows.map((r) => r[0]! / r[2]!)).toFixed(2)}), ripcord/old ${(median(0) / median(1)).toFixed(2)} (target < 1 in every run: ${rows.every((r) => r[0]! < r[1]!) ? 'met' : 'NOT met'})`);
} finally {
  await stack.cleanup();
}
