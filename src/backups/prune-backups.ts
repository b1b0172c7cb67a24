/** Applies the retention policy to an environment's backup dir; `dryRun` only says what would go and why. */
import { rmSync } from 'node:fs';
import type { EnvironmentConfig } from '../config/schema.js';
import { decideRetention, type RetentionDecision } from '../domain/retention.js';
import { listUnfinished } from '../state/journal.js';
import { listBackups } from './list-backups.js';
import { manifestPathOf } from './manifest.js';

export async function pruneBackups(env: EnvironmentConfig, envName: string, stateDir: string, opts: { dryRun: boolean; now?: Date }): Promise<RetentionDecision> {
  const backups = await listBackups(env);
  const { unfinished } = await listUnfinished(stateDir, envName);
  const referenced = new Set(unfinished.flatMap((u) => [u.facts.preDeployBackup, u.facts.safetyBackup]).filter((n): n is string => Boolean(n)));
  // Unknown kind and age: never deleted by policy, only by a person who has looked.
  const unreadable = backups.filter((b) => b.manifestProblem);
  // A corrupt dump is not "the newest verified": the good one before it is kept for that reason.
  const decision = decideRetention(backups.filter((b) => !b.manifestProblem).map((b) => ({
    name: b.name, kind: b.kind, createdAt: new Date(b.createdAt), verified: b.check.state === 'verified', referencedByUnfinished: referenced.has(b.name),
  })), { ...env.backups.keep, predeployDays: env.backups.predeployRetentionDays }, opts.now ?? new Date());
  decision.keep.push(...unreadable.map((b) => ({ name: b.name, reasons: [`${b.manifestProblem}; kept until a person looks`] })));
  if (!opts.dryRun) {
    const byName = new Map(backups.map((b) => [b.name, b.path]));
    for (const d of decision.delete) {
      const path = byName.get(d.name);
      if (!path) continue;
      rmSync(path, { force: true });
      rmSync(manifestPathOf(path), { force: true });
    }
  }
  return decision;
}
