/** Terminal rendering of progress events and reports: one line per stage, with its duration. */
import { describeDatabaseRollback } from '../domain/database-rollback-summary.js';
import type { OperationReport, ProgressEvent, ProgressListener, StepReport } from '../executor/report.js';
import { shortSha } from '../domain/ref.js';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function terminalProgress(write: (line: string) => void): ProgressListener {
  return (event: ProgressEvent) => {
    if (event.type === 'step_started') write(`  … ${event.phase === 'rollback' ? 'rollback: ' : ''}${event.name}`);
    else if (event.type === 'step_finished') write(formatStep(event.step, event.phase));
    else write(`  ${event.text}`);
  };
}

function formatStep(step: StepReport, phase: 'deploy' | 'rollback'): string {
  const mark = step.outcome === 'ok' ? '✔' : step.outcome === 'skipped' ? '-' : '✗';
  const name = `${phase === 'rollback' ? 'rollback: ' : ''}${step.name}`;
  const said = step.reason ?? (step.kept ? `database kept: ${step.kept}` : undefined);
  return `  ${mark} ${name.padEnd(32)} ${secs(step.durationMs).padStart(7)}${said ? `  ${said}` : ''}`;
}

export function summarize(report: OperationReport): string[] {
  const short = (s?: string) => (s ? shortSha(s, 12) : '?');
  const total = secs(Date.parse(report.finishedAt) - Date.parse(report.startedAt));
  const manual = report.kind === 'rollback' && report.outcome === 'succeeded';
  // Where a rollback went, as read from the host once it ended; the plan's SHA only when it could not be read.
  const live = report.live ? (report.live.tag ? `${report.live.tag} (${short(report.live.sha)})` : short(report.live.sha)) : null;
  const head = manual ? `rolled back ${report.environment} to ${live ?? `${report.ref ?? ''} (${short(report.targetSha)})`} in ${total}` : {
    succeeded: `deployed ${report.ref} (${short(report.targetSha)}) to ${report.environment} in ${total}`,
    rolled_back: `FAILED and rolled back ${report.environment} to ${live ?? short(report.previousSha)} in ${total}`,
    rollback_failed: `FAILED and the ROLLBACK FAILED on ${report.environment}: the host needs a person now`,
    failed: `FAILED on ${report.environment}; nothing was rolled back`,
    refused: `refused; nothing changed on ${report.environment}`,
  }[report.outcome];
  const lines = [head];
  if (report.reason) lines.push(`reason: ${report.reason}`);
  if (report.preDeployBackup) lines.push(`pre-deploy backup: ${report.preDeployBackup}`);
  if (report.restoredBackup) lines.push(`database restored from: ${report.restoredBackup}`);
  if (report.safetyBackup) lines.push(`safety backup (the state before): ${report.safetyBackup}`);
  if (report.database) lines.push(`database: ${describeDatabaseRollback(report.database, report.kind)}`);
  for (const warning of report.warnings ?? []) lines.push(`warning: ${warning}`);
  lines.push(`deployment: ${report.id}`);
  return lines;
}
