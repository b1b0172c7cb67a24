/**
 * The notification an operation's report becomes: level from the outcome, the reason in words,
 * and the facts people act on (deployment ID, previous and target SHAs, the pre-deploy backup,
 * the step that failed). Pure: the report is plain data.
 */
import type { Notification, NotificationLevel } from '../domain/ports.js';
import { describeDatabaseRollback } from '../domain/database-rollback-summary.js';
import type { OperationReport, Outcome, StepReport } from '../domain/operation-report.js';
import { shortSha } from '../domain/ref.js';

type Kind = OperationReport['kind'];
/** Manual rollbacks also say which backup they restored and the safety dump they took first. */
type Report = OperationReport & { restoredBackup?: string; safetyBackup?: string };

const LEVELS: Readonly<Record<Kind, Readonly<Record<Outcome, NotificationLevel>>>> = {
  deploy: { succeeded: 'SUCCESS', rolled_back: 'ROLLBACK_SUCCESS', rollback_failed: 'ROLLBACK_FAILED', refused: 'WARNING', failed: 'ERROR' },
  // A rollback that ends rolled_back was undone itself: the environment is back where the rollback began.
  rollback: { succeeded: 'ROLLBACK_SUCCESS', rolled_back: 'ERROR', rollback_failed: 'ROLLBACK_FAILED', refused: 'WARNING', failed: 'ERROR' },
};

export function levelOfReport(report: Pick<OperationReport, 'kind' | 'outcome'>): NotificationLevel {
  return LEVELS[report.kind][report.outcome];
}

const short = (sha?: string) => (sha ? shortSha(sha, 12) : undefined);

/** "v1.0.3 (abc123def456)", or whichever of the two is known. */
function releaseOf(r: OperationReport): string | undefined {
  const sha = short(r.targetSha);
  if (r.ref && sha && !sha.startsWith(r.ref)) return `${r.ref} (${sha})`;
  return r.ref ?? sha;
}

/** What the host runs after the operation, as read from it ("v1.0.0 (abc123def456)"); else `fallback`. */
function liveOf(r: OperationReport, fallback: string | undefined): string | undefined {
  if (!r.live) return fallback;
  return r.live.tag ? `${r.live.tag} (${short(r.live.sha)})` : short(r.live.sha);
}

function titleOf(r: OperationReport): string {
  const what = r.ref ?? short(r.targetSha) ?? 'a release';
  const env = r.environment;
  if (r.kind === 'rollback') {
    return {
      succeeded: `Rolled back ${env} to ${liveOf(r, releaseOf(r)) ?? 'the chosen release'}`,
      rolled_back: `Rollback of ${env} failed and was undone: ${env} is as it was before`,
      rollback_failed: `Rollback of ${env} FAILED: the host needs a person now`,
      refused: `Rollback of ${env} refused: nothing changed`,
      failed: `Rollback of ${env} failed`,
    }[r.outcome];
  }
  return {
    succeeded: `Deployed ${what} to ${env}`,
    rolled_back: `Deploy of ${what} to ${env} failed and was rolled back to ${liveOf(r, short(r.previousSha)) ?? 'the previous release'}`,
    rollback_failed: `Deploy of ${what} to ${env} failed and the ROLLBACK FAILED: the host needs a person now`,
    refused: `Deploy of ${what} to ${env} refused: nothing changed`,
    failed: `Deploy of ${what} to ${env} failed; nothing was rolled back`,
  }[r.outcome];
}

function failedStep(steps: readonly StepReport[] | undefined): StepReport | undefined {
  return steps?.find((s) => s.outcome === 'failed');
}

/** The reason in words, then what the state of the host is and what to do next. */
function textOf(r: Report): string {
  const lines: string[] = [];
  if (r.reason) lines.push(`Reason: ${r.reason}`);
  const stage = failedStep(r.stages);
  if (stage && !r.reason?.includes(stage.name)) lines.push(`Failed at: ${stage.name}${stage.reason ? ` (${stage.reason})` : ''}`);
  const step = failedStep(r.rollback);
  if (step) lines.push(`Rollback failed at: ${step.name}${step.reason ? ` (${step.reason})` : ''}`);
  // The report's database story when it has one (the same sentences as the CLI and Slack).
  const restored = r.database ? databaseSentence(r) : r.restoredBackup ? ` The database was restored from ${r.restoredBackup}${r.safetyBackup ? ` (safety dump taken first: ${r.safetyBackup})` : ''}.` : '';
  const next: Partial<Record<Outcome, string>> = {
    succeeded: `${r.environment} runs ${(r.kind === 'rollback' ? liveOf(r, releaseOf(r)) : releaseOf(r)) ?? 'the new release'}.${r.kind === 'rollback' ? restored : ''}`,
    rolled_back: r.kind === 'deploy' ? `${r.environment} runs ${liveOf(r, short(r.previousSha)) ?? 'the previous release'} again.${databaseSentence(r)}` : undefined,
    rollback_failed: `Act now: run \`ripcord status --env ${r.environment}\`${r.preDeployBackup ? `, restore ${r.preDeployBackup} if the data is wrong` : ''}, and \`ripcord recover --env ${r.environment}\` once the cause is fixed.`,
    failed: r.kind === 'deploy' ? 'Automatic rollback is off: roll back by hand with `ripcord rollback`.' : undefined,
  };
  if (next[r.outcome]) lines.push(next[r.outcome] as string);
  for (const warning of r.warnings ?? []) lines.push(`Warning: ${warning}`);
  return lines.join('\n');
}

/** What the rollback did to the database, as the report says it (nothing when it does not say). */
function databaseSentence(r: Pick<OperationReport, 'database' | 'kind'>): string {
  return r.database ? ` ${describeDatabaseRollback(r.database, r.kind)}` : '';
}

function durationOf(r: OperationReport): string | undefined {
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? `${(ms / 1000).toFixed(1)} s` : undefined;
}

function fieldsOf(r: Report): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    ref: r.ref,
    previous: r.previousSha || undefined,
    target: r.targetSha || undefined,
    backup: r.preDeployBackup,
    restored: r.restoredBackup ?? (r.database?.action === 'restored' ? r.database.backup ?? undefined : undefined),
    safety: r.safetyBackup,
    duration: durationOf(r),
  };
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

export function notificationFromReport(report: Report, at: Date = new Date(report.finishedAt)): Notification {
  return {
    level: levelOfReport(report),
    title: titleOf(report),
    text: textOf(report),
    environment: report.environment,
    // Refusals before a journal existed carry "-" as their ID: nothing to look up.
    ...(report.id && report.id !== '-' ? { deploymentId: report.id } : {}),
    fields: fieldsOf(report),
    at: Number.isNaN(at.getTime()) ? new Date() : at,
  };
}
