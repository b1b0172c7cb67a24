/**
 * The steps only manual rollbacks take: building a release whose images are gone, a safety dump
 * before a Level 2 schema step, and the schema step itself. Same contract as rollback-steps.ts:
 * idempotent, except the schema step, which the plan never repeats once it finished.
 */
import { createBackup } from '../backups/index.js';
import { FACT } from '../domain/journal-entry.js';
import type { JournalFacts } from '../domain/journal-facts.js';
import type { RollbackStep } from '../domain/rollback-plan.js';
import type { ExecutorEnv } from './executor-env.js';
import type { OperationRecorder } from './operation-recorder.js';
import { buildStage, serviceCommandStage } from './stages/compose-commands.js';
import { passed, type StageContext, type StageOutcome } from './stage-context.js';

export type ManualStep = Extract<RollbackStep, { kind: 'build_images' | 'safety_backup' | 'schema_command' }>;

export async function runManualStep(x: ExecutorEnv, ctx: StageContext, rec: OperationRecorder, facts: JournalFacts, step: ManualStep): Promise<StageOutcome> {
  switch (step.kind) {
    case 'build_images':
      return buildStage(ctx);
    case 'safety_backup': {
      // A run interrupted after its dump finished already holds the state before the schema step.
      if (facts.safetyBackup) return passed(undefined, { safetyBackup: facts.safetyBackup, reused: true });
      // The database now is what the release live when the rollback began made of it.
      const record = await createBackup(x.env, { kind: 'safety', releaseSha: facts.previousSha ?? undefined });
      await rec.fact(FACT.safetyBackup, record.name);
      return passed(undefined, { safetyBackup: record.name });
    }
    case 'schema_command': {
      // The SHA is hex (validated when resolved), so it is safe inside the shell line.
      const command = `RIPCORD_TARGET_SHA=${step.targetSha.replace(/[^0-9a-f]/g, '')}; export RIPCORD_TARGET_SHA; ${step.command.command}`;
      return serviceCommandStage(ctx, 'schema step', { service: step.command.service, command, timeoutSeconds: step.command.timeoutSeconds ?? 600 });
    }
  }
}
