/**
 * Runs one stage or rollback step at a time and records it everywhere it must go, in this order:
 * the journal (fsynced, before acting), the old-format script log, progress listeners; then the
 * outcome the same way. Stages never write the journal themselves.
 */
import type { Logger } from 'pino';
import type { DeployStageName } from '../domain/deployment-state.js';
import type { RollbackStepKind } from '../domain/rollback-plan.js';
import type { Journal } from '../state/journal.js';
import type { ProgressListener, StepReport } from './report.js';
import { join } from 'node:path';
import type { ExecutorEnv } from './executor-env.js';
import { ScriptLog } from './script-log.js';
import type { StageOutcome } from './stage-context.js';
import { redactSecrets, redactString } from '../domain/redact.js';

export class OperationRecorder {
  /** The recorder of one operation of `x`: its journal, pino child logger and the old-format update/rollback logs. */
  static forEnvironment(x: ExecutorEnv, journal: Journal, logFields: Record<string, unknown>, onProgress?: ProgressListener): OperationRecorder {
    const logDir = x.env.logDir ?? join(x.env.appDir, 'logs');
    return new OperationRecorder(journal, x.log.child(logFields), new ScriptLog(logDir, 'update.log'), new ScriptLog(logDir, 'rollback.log'), onProgress);
  }

  readonly stages: StepReport[] = [];
  readonly steps: StepReport[] = [];

  constructor(
    readonly journal: Journal,
    private readonly log: Logger,
    private readonly scriptLog: ScriptLog,
    private readonly rollbackLog: ScriptLog,
    private readonly onProgress: ProgressListener = () => undefined,
  ) {}

  async stage(name: DeployStageName, body: () => Promise<StageOutcome>): Promise<StageOutcome> {
    await this.journal.append({ type: 'stage_started', stage: name });
    this.scriptLog.write('STEP', `${name}: started`);
    const outcome = await this.timed('deploy', name, this.stages, body);
    await this.journal.append({
      type: 'stage_finished', stage: name, outcome: outcome.ok ? 'ok' : 'failed',
      ...(outcome.reason ? { reason: outcome.reason } : {}), ...(outcome.evidence ? { evidence: outcome.evidence } : {}),
    });
    for (const [key, value] of Object.entries(outcome.facts ?? {})) await this.journal.append({ type: 'fact', key, value });
    this.scriptLog.write(outcome.ok ? 'SUCCESS' : 'ERROR', outcome.ok ? `${name}: done` : (outcome.reason ?? `${name} failed`));
    return outcome;
  }

  async step(kind: RollbackStepKind, body: () => Promise<StageOutcome>): Promise<StageOutcome> {
    await this.journal.append({ type: 'step_started', step: kind });
    this.rollbackLog.write('ROLLBACK', `${kind}: started`);
    const outcome = await this.timed('rollback', kind, this.steps, body);
    await this.journal.append({
      type: 'step_finished', step: kind, outcome: outcome.ok ? 'ok' : 'failed',
      ...(outcome.reason ? { reason: outcome.reason } : {}), ...(outcome.evidence ? { evidence: outcome.evidence } : {}),
    });
    this.rollbackLog.write(outcome.ok ? 'SUCCESS' : 'ERROR', outcome.ok ? `${kind}: done` : (outcome.reason ?? `${kind} failed`));
    return outcome;
  }

  async fact(key: string, value: unknown): Promise<void> {
    await this.journal.append({ type: 'fact', key, value });
  }

  child(pid: number, argv: readonly string[]): void {
    // Not awaited by the caller (spawn callbacks are synchronous); the journal keeps call order.
    this.journal.append({ type: 'child', pid, argv: [...argv] }).catch((e: unknown) => this.log.error({ err: e }, 'journal child failed'));
  }

  private async timed(phase: 'deploy' | 'rollback', name: string, into: StepReport[], body: () => Promise<StageOutcome>): Promise<StageOutcome> {
    const started = new Date();
    this.onProgress({ type: 'step_started', phase, name, at: started });
    const log = this.log.child({ stage: name });
    log.info(`${name} started`);
    let outcome: StageOutcome;
    try {
      outcome = await body();
    } catch (error) {
      outcome = { ok: false, reason: `${name}: ${error instanceof Error ? error.message : String(error)}` };
    }
    outcome = withoutSecrets(outcome);
    const report: StepReport = {
      name, outcome: outcome.ok ? 'ok' : 'failed', startedAt: started.toISOString(), durationMs: Date.now() - started.getTime(),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...keptOf(outcome),
    };
    into.push(report);
    if (outcome.ok) log.info({ durationMs: report.durationMs }, `${name} passed`);
    else log.error({ durationMs: report.durationMs, reason: outcome.reason }, `${name} failed`);
    this.onProgress({ type: 'step_finished', phase, step: report });
    return outcome;
  }
}

/** What a step that kept the database says in its evidence (database-steps.ts), for every reader of its progress. */
function keptOf(outcome: StageOutcome): Pick<StepReport, 'kept'> {
  const kept = outcome.ok ? outcome.evidence?.kept : undefined;
  return typeof kept === 'string' && kept !== '' ? { kept } : {};
}

/**
 * The outcome with its reason and evidence redacted. Every stage and step outcome passes here
 * before anything reads it — journal, script logs, progress, the report that `--json`, the store
 * and Slack get — so a secret quoted by a failing program (a migration printing its connection
 * URL, a health body, a log tail, a git error) is masked once, where the reason is made.
 * Facts are left as they are: they are data a rollback acts on, not text for people.
 */
export function withoutSecrets(outcome: StageOutcome): StageOutcome {
  return {
    ...outcome,
    ...(outcome.reason !== undefined ? { reason: redactString(outcome.reason) } : {}),
    ...(outcome.evidence !== undefined ? { evidence: redactSecrets(outcome.evidence) as Record<string, unknown> } : {}),
  };
}
