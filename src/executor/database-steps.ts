/**
 * Where the executor meets the database rollback strategies: the backup stage (prepare), the
 * `restore_database` and `settle_database` rollback steps, and the tidy-up after a good deploy.
 */
import { accessOf } from '../backups/access.js';
import type { JournalFacts } from '../domain/journal-facts.js';
import { foldJournal } from '../domain/journal-facts.js';
import type { DatabaseStrategyName, RollbackStep } from '../domain/rollback-plan.js';
import type { MigrateRun } from '../domain/database-change.js';
import { cloneSwapStrategy } from './clone-swap-strategy.js';
import { dumpRestoreStrategy, type DatabaseRollbackStrategy, type StrategyContext } from './database-rollback.js';
import type { ExecutorEnv } from './executor-env.js';
import { readJournal } from '../state/journal.js';
import type { OperationRecorder } from './operation-recorder.js';
import { compose } from './stages/compose-commands.js';
import { stopAppContainers } from './app-services.js';
import { failed, passed, tailLines, type StageContext, type StageOutcome } from './stage-context.js';

export const databaseRollbackStrategies: Readonly<Record<string, DatabaseRollbackStrategy>> = {
  dump_restore: dumpRestoreStrategy,
  clone_swap: cloneSwapStrategy,
};

function strategyContext(x: ExecutorEnv, rec: OperationRecorder, journal: Pick<JournalFacts, 'facts' | 'stages' | 'header'> | null, container?: string): StrategyContext {
  return {
    env: x.env, facts: journal?.facts ?? {}, migrate: journal ? migrateRun(journal.stages) : 'not_run', requested: journal?.header.kind === 'rollback',
    record: (key, value) => rec.fact(key, value), access: () => accessOf(x.env, { compose: x.compose, container }),
    stopApp: () => stopAppContainers(x),
  };
}

/** A migrate stage that started and did not pass (failed, or cut short by a crash) counts as failed. */
function migrateRun(stages: JournalFacts['stages']): MigrateRun {
  const runs = stages.filter((s) => s.stage === 'migrate');
  if (runs.length === 0) return 'not_run';
  return runs.every((s) => s.outcome === 'ok') ? 'passed' : 'failed';
}

/** The backup stage: the configured strategy's pre-deploy backup (and whatever else it prepares). */
export async function prepareDatabase(x: ExecutorEnv, rec: OperationRecorder, releaseSha: string): Promise<StageOutcome> {
  const strategy = databaseRollbackStrategies[x.env.database.rollbackStrategy] ?? dumpRestoreStrategy;
  const p = await strategy.prepare(strategyContext(x, rec, null), releaseSha);
  return passed({ preDeployBackup: p.backup, databaseStrategy: strategy.name, ...p.facts });
}

export async function restoreDatabase(x: ExecutorEnv, ctx: StageContext, rec: OperationRecorder, facts: JournalFacts, step: Extract<RollbackStep, { kind: 'restore_database' }>): Promise<StageOutcome> {
  const strategy = databaseRollbackStrategies[step.strategy];
  if (!strategy) return failed(`restore database: unknown strategy ${step.strategy}`);
  const db = await startDatabaseService(x, ctx);
  if ('problem' in db) return failed(`restore database: ${db.problem}`);
  const r = await strategy.rollback(strategyContext(x, rec, facts, db.container), step.backup);
  if (r.unchanged) return passed(undefined, { restored: null, kept: r.unchanged });
  return passed(undefined, { how: r.how, safetyBackup: r.safetyBackup, stoppedForRestore: r.stopped ?? [] });
}

/**
 * The db service may have been stopped or recreated by the failed release: start it when it does
 * not run (compose only then). Returns its running container when known.
 */
async function startDatabaseService(x: ExecutorEnv, ctx: StageContext): Promise<{ container?: string } | { problem: string }> {
  const db = x.env.database.service;
  if (!db) return {};
  const running = (await x.runtime.serviceContainers(x.compose.project)).find((c) => c.service === db && !c.oneOff && c.state === 'running');
  if (running) return { container: running.id };
  const r = await compose(ctx, ['up', '-d', '--no-build', '--no-deps', db], 5 * 60 * 1000);
  return r.exitCode === 0 ? {} : { problem: `cannot start ${db}: ${tailLines(r.stderr, 1)}` };
}

export async function settleDatabase(x: ExecutorEnv, rec: OperationRecorder, facts: JournalFacts, strategyName: DatabaseStrategyName): Promise<StageOutcome> {
  const strategy = databaseRollbackStrategies[strategyName];
  if (!strategy) return failed(`settle database: unknown strategy ${strategyName}`);
  return passed(undefined, await strategy.settle(strategyContext(x, rec, facts)));
}

/**
 * After a good deploy has been journaled as succeeded: a crash before this only leaves a stale
 * clone, which the next deploy's prepare drops. A failure only warns, for the same reason.
 */
export async function settleAfterDeploy(x: ExecutorEnv, rec: OperationRecorder): Promise<void> {
  const facts = foldJournal((await readJournal(rec.journal.path)).entries);
  const strategy = databaseRollbackStrategies[facts.databaseStrategy ?? ''];
  if (!strategy) return;
  try {
    const settled = await strategy.settle(strategyContext(x, rec, facts));
    if (Object.keys(settled).length > 0) x.log.info(settled, 'database strategy settled after the deploy');
  } catch (error) {
    x.log.warn({ err: error }, 'the deploy succeeded, but tidying up after the database strategy failed; the next deploy retries it');
  }
}
