/**
 * Which backups to keep: grandfather-father-son for scheduled dumps (the newest N daily, weekly and
 * monthly), pre-deploy dumps for a number of days, and never — whatever the policy says — a safety
 * backup, the newest verified backup, or one an unfinished deployment or rollback still refers to.
 */

export type RetainedKind = 'predeploy' | 'safety' | 'manual' | 'daily' | 'weekly' | 'monthly';

export interface RetentionCandidate {
  name: string;
  kind: RetainedKind;
  createdAt: Date;
  verified: boolean;
  /** Named by a deployment or rollback that has not finished: recovery may need it. */
  referencedByUnfinished: boolean;
}

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
  predeployDays: number;
}

export interface RetentionDecision {
  keep: Array<{ name: string; reasons: string[] }>;
  delete: Array<{ name: string; reason: string }>;
}

const DAY_MS = 24 * 3600 * 1000;

export function decideRetention(backups: readonly RetentionCandidate[], policy: RetentionPolicy, now: Date): RetentionDecision {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.name.localeCompare(a.name));
  const reasons = new Map<string, string[]>(newestFirst.map((b) => [b.name, []]));
  const add = (name: string, why: string) => reasons.get(name)?.push(why);

  const newestVerified = newestFirst.find((b) => b.verified);
  if (newestVerified) add(newestVerified.name, 'newest verified backup');
  for (const [kind, count] of [['daily', policy.daily], ['weekly', policy.weekly], ['monthly', policy.monthly]] as const) {
    newestFirst.filter((b) => b.kind === kind).slice(0, count).forEach((b, i) => add(b.name, `${kind} ${i + 1} of ${count}`));
  }
  for (const b of newestFirst) {
    if (b.kind === 'safety') add(b.name, 'safety backups are kept forever');
    if (b.kind === 'manual') add(b.name, 'manual backups are deleted only by hand');
    if (b.referencedByUnfinished) add(b.name, 'an unfinished deployment or rollback refers to it');
    const ageDays = (now.getTime() - b.createdAt.getTime()) / DAY_MS;
    if (b.kind === 'predeploy' && ageDays < policy.predeployDays) add(b.name, `pre-deploy, younger than ${policy.predeployDays} days`);
  }

  const decision: RetentionDecision = { keep: [], delete: [] };
  for (const b of newestFirst) {
    const why = reasons.get(b.name) ?? [];
    if (why.length > 0) decision.keep.push({ name: b.name, reasons: why });
    else decision.delete.push({ name: b.name, reason: deleteReason(b, policy) });
  }
  return decision;
}

function deleteReason(b: RetentionCandidate, policy: RetentionPolicy): string {
  if (b.kind === 'predeploy') return `pre-deploy backup older than ${policy.predeployDays} days`;
  const limit = policy[b.kind as 'daily' | 'weekly' | 'monthly'];
  return `more than ${limit} newer ${b.kind} backups exist`;
}
