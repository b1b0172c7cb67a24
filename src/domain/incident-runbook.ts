/**
 * The runbook's part of an incident: the exact break-glass command for what failed, and the
 * before/during/after rollback checklists (the Next.js + Prisma runbook's, with its post-rollback
 * thresholds) that people tick in Slack. Pure data.
 */
import { newestGoodBackup, type BackupStanding } from './backup-check.js';
import type { Incident, IncidentFailure } from './incident.js';

export type ChecklistPhase = 'before' | 'during' | 'after';

export const CHECKLISTS: Readonly<Record<ChecklistPhase, { title: string; items: readonly string[] }>> = {
  before: {
    title: 'Before the rollback',
    items: [
      'Team told in this thread; one person leads',
      'What users see written down (errors, pages, since when)',
      'Safety backup named in the summary exists (`ripcord backups list`)',
      'Rollback target and level chosen (1 code, 2 code + schema, 3 full restore)',
      'Stakeholders told to expect downtime',
    ],
  },
  during: {
    title: 'During the rollback',
    items: [
      'Break-glass command run from the summary (or a chosen rollback)',
      'Logs watched while it runs (`ripcord watch` / `docker compose logs -f`)',
      'Each step and its outcome noted in this thread',
      'No other deploy started (the environment lock holds)',
    ],
  },
  after: {
    title: 'After the rollback',
    items: [
      'Health check answers 200',
      'API responses under 500 ms',
      'Error rate under 1 %',
      'Database connections stable',
      'Memory under 80 %',
      'Users told it is fixed',
      'Report completed: `/incident report` (root cause, prevention, action items)',
    ],
  },
};

const short = (sha: string) => sha.slice(0, 12);

/**
 * The backup the command restores: the pre-deploy dump, unless the backup dir (when it could be
 * read here: `backups` is null when not) shows it corrupt or gone — then the newest good backup
 * taken while the previous release was live, or none.
 */
export function restorableBackup(f: IncidentFailure, backups: readonly BackupStanding[] | null): string | null {
  if (!f.preDeployBackup || !backups) return f.preDeployBackup;
  const listed = backups.find((b) => b.name === f.preDeployBackup);
  if (listed && !listed.corrupt) return listed.name;
  return f.previousSha ? newestGoodBackup(backups, f.previousSha)?.name ?? null : null;
}

/**
 * The one command that puts the environment back by hand, from the terminal, without Slack or
 * Redis: the previous release with the backup that holds the state from before, when both are
 * known and that backup is not corrupt; else the previous release's code; else the status that
 * tells what to choose.
 */
export function breakGlassCommand(incident: Incident, backups: readonly BackupStanding[] | null = null): string {
  const env = incident.environment;
  const f = incident.failure;
  const backup = f ? restorableBackup(f, backups) : null;
  if (f?.previousSha && backup && f.rollbackLevel === 3) return `ripcord rollback --env ${env} --full ${short(f.previousSha)} ${backup}`;
  if (f?.previousSha) return `ripcord rollback --env ${env} --commit ${short(f.previousSha)}`;
  return `ripcord rollback --env ${env} --status`;
}

/** Why the command does not name the pre-deploy backup, when it does not; null when it does (or could not look). */
export function preDeployBackupNote(f: IncidentFailure | null, backups: readonly BackupStanding[] | null): string | null {
  if (!f?.preDeployBackup || !backups) return null;
  const listed = backups.find((b) => b.name === f.preDeployBackup);
  if (listed && !listed.corrupt) return null;
  const why = listed?.corrupt ? `is corrupt (${listed.corrupt})` : 'is no longer in the backup dir';
  const standIn = restorableBackup(f, backups);
  return standIn
    ? `The pre-deploy backup ${f.preDeployBackup} ${why}: the command restores ${standIn}, the newest good backup of the previous release, instead.`
    : `The pre-deploy backup ${f.preDeployBackup} ${why}, and no good backup of the previous release is left: choose one from \`ripcord backups list\` before restoring.`;
}
