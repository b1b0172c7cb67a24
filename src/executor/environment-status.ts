/** What `ripcord status` and `ripcord rollback status` show: release, services, health, lock holder, last operation, backups. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { probeHealth } from '../adapters/http-health.js';
import { listBackups, standingOf } from '../backups/index.js';
import { Outbox } from '../notify/outbox.js';
import { foldJournal } from '../domain/journal-facts.js';
import type { ExecutorEnv } from './executor-env.js';
import { journalDir, readJournal } from '../state/journal.js';

export interface EnvironmentStatus {
  environment: string;
  release: { sha: string; tags: string[] };
  services: Array<{ service: string; state: string; health: string | null; imageId: string }>;
  lock: string | null;
  lastOperation: { id: string; kind: string; ref: string | null; state: string; reason: string | null; startedAt: string } | null;
  newestBackup: { name: string; kind: string; createdAt: string; verified: boolean; corrupt?: string } | null;
  /** What a rollback to a backup would use by default: the newest one that passed verification and still matches. */
  newestVerifiedBackup: { name: string; kind: string; createdAt: string; verifiedAt: string } | null;
  /** One GET of the health URL, right now. */
  health: { healthy: boolean; summary: string };
  /** Notifications not yet delivered (kept in the outbox until their sink answers), by sink. */
  undelivered: Record<string, number>;
}

export async function environmentStatus(x: ExecutorEnv): Promise<EnvironmentStatus> {
  const sha = await x.repo.currentSha();
  const containers = (await x.runtime.serviceContainers(x.compose.project)).filter((c) => !c.oneOff);
  const holder = await x.locks.holder(x.name);
  const backups = await listBackups(x.env);
  const newest = backups[0];
  const verified = backups.find((b) => b.check.state === 'verified');
  const probe = await probeHealth(x.env.health, { retries: 1 });
  const undelivered: Record<string, number> = {};
  for (const e of (await new Outbox(x.stateDir, x.name).list()).entries) undelivered[e.sink] = (undelivered[e.sink] ?? 0) + 1;
  return {
    environment: x.name,
    release: { sha, tags: await x.repo.tagsPointingAt(sha) },
    services: containers.map((c) => ({ service: c.service, state: c.state, health: c.health, imageId: c.imageId })),
    lock: holder ? x.locks.describeOwner(holder) : null,
    lastOperation: await lastOperation(x),
    newestBackup: newest ? { name: newest.name, kind: newest.kind, createdAt: newest.createdAt, ...standingOf(newest) } : null,
    newestVerifiedBackup: verified?.verifiedAt ? { name: verified.name, kind: verified.kind, createdAt: verified.createdAt, verifiedAt: verified.verifiedAt } : null,
    health: { healthy: probe.healthy, summary: probe.summary },
    undelivered,
  };
}

async function lastOperation(x: ExecutorEnv): Promise<EnvironmentStatus['lastOperation']> {
  const dir = journalDir(x.stateDir, x.name);
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) return null;
  const facts = foldJournal((await readJournal(newest)).entries);
  const h = facts.header;
  return { id: h.id, kind: h.kind, ref: h.ref, state: facts.state, reason: facts.stateReason, startedAt: h.startedAt };
}
