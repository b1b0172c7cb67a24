/**
 * The runbook's part of an incident: the exact break-glass command for what failed, and the
 * before/during/after rollback checklists (the Next.js + Prisma runbook's, with its post-rollback
 * thresholds) that people tick in Slack. Pure data.
 */
import type { Incident } from './incident.js';

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
 * The one command that puts the environment back by hand, from the terminal, without Slack or
 * Redis: the previous release with the backup that holds the state from before, when both are
 * known; else the previous release's code; else the status that tells what to choose.
 */
export function breakGlassCommand(incident: Incident): string {
  const env = incident.environment;
  const f = incident.failure;
  const backup = f?.preDeployBackup ?? null;
  if (f?.previousSha && backup && f.rollbackLevel === 3) return `ripcord rollback --env ${env} --full ${short(f.previousSha)} ${backup}`;
  if (f?.previousSha) return `ripcord rollback --env ${env} --commit ${short(f.previousSha)}`;
  return `ripcord rollback --env ${env} --status`;
}
