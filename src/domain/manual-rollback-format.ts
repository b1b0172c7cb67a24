/**
 * A manual rollback plan as the lines a person reads before confirming: from → to with tags and
 * ages, what happens to the database and why, every step, every warning. Plain text; the CLI
 * prints it, Slack wraps it.
 */
import { formatDistance } from 'date-fns';
import type { ManualRollbackPlan } from './manual-rollback.js';
import { stepLine } from './plan-format.js';
import { shortSha } from './ref.js';

/** sha → "v1.0.0 9e8d7c6" style labels, resolved by the caller from git. */
export type ReleaseLabels = Readonly<Record<string, string>>;

const KIND_WORDS: Readonly<Record<ManualRollbackPlan['request']['kind'], string>> = {
  quick: 'quick rollback to the previous release',
  commit: 'rollback to a release',
  backup: 'database restore from a backup',
  full: 'full rollback: release and database',
};

const LEVEL_WORDS = { 1: 'Level 1: code and images', 2: 'Level 2: code and schema', 3: 'Level 3: code and database' } as const;

export function labelOf(labels: ReleaseLabels, sha: string): string {
  return labels[sha] ?? shortSha(sha);
}

export function formatManualPlan(plan: ManualRollbackPlan, labels: ReleaseLabels, now: Date): string[] {
  const ago = (iso: string) => formatDistance(new Date(iso), now, { addSuffix: true });
  const lines = [`${KIND_WORDS[plan.request.kind]} on ${plan.environment} (${LEVEL_WORDS[plan.level]})`];
  lines.push(plan.toSha === plan.fromSha
    ? `Code: stays at ${labelOf(labels, plan.fromSha)}`
    : `Code: ${labelOf(labels, plan.fromSha)} → ${labelOf(labels, plan.toSha)}`);
  const b = plan.backup;
  const holds = b?.database ? `, holds database ${b.database}` : '';
  if (b) lines.push(`Database: restored from ${b.name} (${b.kind}${holds}, taken ${ago(b.createdAt)}, ${b.verified ? 'verified' : 'NOT verified yet'}); a safety backup is taken first`);
  else lines.push(plan.level === 2 ? 'Database: a safety backup, then the reversal migration' : 'Database: kept as it is');
  if (plan.databaseReason) lines.push(`  why: ${plan.databaseReason}`);
  lines.push('Steps:', ...plan.steps.map(stepLine));
  lines.push(...plan.warnings.map((w) => `Warning: ${w}`));
  return lines;
}
