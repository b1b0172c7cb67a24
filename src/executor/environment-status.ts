/**
 * What `ripcord status` and `ripcord rollback status` show: the release that runs, services,
 * health, lock holder, unrecovered operations, last operation, backups. Everything is read from
 * the host; the release that runs is told by the running containers' image IDs, not by the
 * checkout, which an interrupted deploy leaves at its target.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { probeHealth } from '../adapters/http-health.js';
import { listBackups, standingOf } from '../backups/index.js';
import { Outbox } from '../notify/outbox.js';
import { foldJournal } from '../domain/journal-facts.js';
import { recordedImagesOf, runningRelease } from '../domain/running-release.js';
import type { ExecutorEnv } from './executor-env.js';
import { readEnvironmentJournals } from './release-journals.js';
import { journalDir, listUnfinished, readJournal } from '../state/journal.js';

export interface EnvironmentStatus {
  environment: string;
  /** The release that runs: see `releaseFrom`. */
  release: { sha: string; tags: string[] };
  /**
   * How `release` was told: `images` — the running containers have exactly the image IDs a journal
   * recorded for it; `checkout` — no journal records what runs, so it is the checked-out code,
   * which nothing here could confirm runs.
   */
  releaseFrom: 'images' | 'checkout';
  /** The code checked out in the app directory (git HEAD); an unfinished deploy leaves it at its target. */
  checkout: { sha: string; tags: string[] };
  services: Array<{ service: string; state: string; health: string | null; imageId: string }>;
  lock: string | null;
  /** The lock's holder is a process of this host that is gone: `ripcord recover` (or the next operation) takes the lock over. */
  lockHolderGone: boolean;
  /** Deploys and rollbacks whose journal has no end and whose process is gone: `ripcord recover` finishes them. */
  unrecovered: Array<{ id: string; kind: string; ref: string | null; state: string; startedAt: string }>;
  /** Journals that cannot be read: a person must look at them. */
  unreadableJournals: string[];
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
  const checkout = await x.repo.currentSha();
  const containers = (await x.runtime.serviceContainers(x.compose.project)).filter((c) => !c.oneOff);
  // Every container, as preflight and a rollback record them: a one-shot service that has exited still belongs to its release.
  const images = Object.fromEntries(containers.map((c) => [c.service, c.imageId]));
  const runs = runningRelease(recordedImagesOf(await readEnvironmentJournals(x.stateDir, x.name)), images, checkout);
  const holder = await x.locks.holder(x.name);
  const holderGone = holder !== null && x.locks.isStale(holder);
  const backups = await listBackups(x.env);
  const newest = backups[0];
  const verified = backups.find((b) => b.check.state === 'verified');
  const probe = await probeHealth(x.env.health, { retries: 1 });
  const undelivered: Record<string, number> = {};
  for (const e of (await new Outbox(x.stateDir, x.name).list()).entries) undelivered[e.sink] = (undelivered[e.sink] ?? 0) + 1;
  const checkoutTags = await x.repo.tagsPointingAt(checkout);
  const { unrecovered, unreadableJournals } = await unfinishedOperations(x, holder && !holderGone ? holder.deploymentId : null);
  return {
    environment: x.name,
    release: runs && runs !== checkout ? { sha: runs, tags: await x.repo.tagsPointingAt(runs) } : { sha: checkout, tags: checkoutTags },
    releaseFrom: runs ? 'images' : 'checkout',
    checkout: { sha: checkout, tags: checkoutTags },
    services: containers.map((c) => ({ service: c.service, state: c.state, health: c.health, imageId: c.imageId })),
    lock: holder ? x.locks.describeOwner(holder) : null,
    lockHolderGone: holderGone,
    unrecovered,
    unreadableJournals,
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

/** What `ripcord recover` would finish: unfinished journals, except the one a live lock holder is running now. */
async function unfinishedOperations(x: ExecutorEnv, runningId: string | null): Promise<Pick<EnvironmentStatus, 'unrecovered' | 'unreadableJournals'>> {
  const { unfinished, unreadable } = await listUnfinished(x.stateDir, x.name);
  const unrecovered = unfinished.filter((u) => u.facts.header.id !== runningId).map(({ facts: { header: h, state } }) => ({ id: h.id, kind: h.kind, ref: h.ref, state, startedAt: h.startedAt }));
  return { unrecovered, unreadableJournals: unreadable.map((u) => u.path) };
}
