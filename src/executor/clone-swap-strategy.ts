/**
 * `clone_swap`: besides the verified pre-deploy dump, a clone of the live database taken before the
 * migrations run (`CREATE DATABASE … TEMPLATE`). A rollback that restores holds writes
 * (write-hold.ts) by renaming the live database to a kept "failed" copy, counts there the rows the
 * swap takes away, then renames the clone to the live name — no dump, no restore on the critical
 * path. The slow part, a safety dump of the failed copy (safety backups are kept forever), waits
 * until the environment is healthy again (`settle`), and the copy is dropped only once that dump
 * is verified.
 * Every name is journaled before the action that creates or renames it, so recovery can finish any
 * step after a crash.
 */
import { randomBytes } from 'node:crypto';
import { createBackup } from '../backups/index.js';
import { backupPath } from '../backups/backup-files.js';
import { allowConnections, checkIdentifierLength, cloneDatabase, databasesStartingWith, dropDatabases, survey, waitWhileCreating } from '../backups/database-swap.js';
import { moveIntoPlace } from '../backups/database-hold.js';
import { readChecked } from '../backups/list-backups.js';
import { connectionOf, type DatabaseAccess } from '../backups/pg-commands.js';
import { FACT } from '../domain/journal-entry.js';
import { decideRestore, dumpRestoreStrategy, heldName, restoreOverHold, SNAPSHOT_FACT, type DatabaseRollbackStrategy, type SnapshotFact, type StrategyContext } from './database-rollback.js';
import { openWriteHold, type WriteHold } from './write-hold.js';

/** Fact keys: the clone's name (journaled before it is made) and the failed copy's (before the swap). */
export const CLONE_FACT = 'databaseClone';
export const FAILED_COPY_FACT = 'databaseFailedCopy';
/** Why the clone could not be taken: the deploy goes on with the dump, and a rollback restores it. */
export const CLONE_FAILED_FACT = 'databaseCloneFailed';

const clonePrefix = (db: string) => `${db}__ripcord_clone_`;
const failedName = (db: string, clone: string) => `${db}__ripcord_failed_${clone.slice(clonePrefix(db).length)}`;
const TOO_LONG_FIX = 'set database.rollbackStrategy: dump_restore, or use a database name of at most 38 bytes';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

async function dbOf(ctx: StrategyContext) {
  const access = await ctx.access();
  return { access, db: connectionOf(access).dbname };
}

export const cloneSwapStrategy: DatabaseRollbackStrategy = {
  name: 'clone_swap',

  async prepare(ctx, releaseSha) {
    const { access, db } = await dbOf(ctx);
    const clone = `${clonePrefix(db)}${randomBytes(4).toString('hex')}`;
    checkIdentifierLength(failedName(db, clone), TOO_LONG_FIX); // the longer of the two names
    const dump = await dumpRestoreStrategy.prepare(ctx, releaseSha);
    // Deploys refuse to start while an operation is unfinished, so any clone still here is stale.
    await dropDatabases(access, await databasesStartingWith(access, clonePrefix(db)));
    // Both names before either database exists; a rollback then renames without journaling first.
    await ctx.record(FACT.databaseStrategy, 'clone_swap');
    await ctx.record(CLONE_FACT, clone);
    await ctx.record(FAILED_COPY_FACT, failedName(db, clone));
    try {
      // The clone is newer than the dump: what a swap goes back to is the clone's snapshot.
      const { transactions, identity } = await cloneDatabase(access, db, clone);
      const snapshot: SnapshotFact = { transactions, at: new Date().toISOString(), source: clone, ...(identity ? { identity } : {}) };
      return { backup: dump.backup, facts: { ...dump.facts, [SNAPSHOT_FACT]: snapshot } };
    } catch (error) {
      // The verified dump is enough to go on: a rollback without the clone restores it instead.
      const why = error instanceof Error ? error.message : String(error);
      return { backup: dump.backup, facts: { ...dump.facts, [CLONE_FAILED_FACT]: why } };
    }
  },

  async rollback(ctx, backup) {
    const { access, db } = await dbOf(ctx);
    const clone = str(ctx.facts[CLONE_FACT]);
    const usable = clone !== null && !ctx.facts[CLONE_FAILED_FACT];
    const failed = clone ? str(ctx.facts[FAILED_COPY_FACT]) ?? failedName(db, clone) : null;
    // The live database is held as the failed copy itself: the swap is then one rename of the clone.
    const { ctx: view, writes } = await openWriteHold(ctx, usable && failed ? failed : heldName(db));
    // Kept: settle drops the clone. A clone that failed leaves the dump's snapshot journaled instead.
    const decision = await decideRestore(view, backup, writes);
    if (!decision.restore) return { safetyBackup: null, unchanged: decision.why, how: 'kept' };
    if (usable && failed) {
      if (!str(ctx.facts[FAILED_COPY_FACT])) await ctx.record(FAILED_COPY_FACT, failed);
      const { state, stopped } = await writes.hold();
      // Replaced and no safety backup journaled: the clone, not a fallback restore, took the name.
      if (state === 'replaced' && !view.facts[FACT.safetyBackup]) return { safetyBackup: null, stopped, how: `clone ${clone} was already swapped in` };
      if (state === 'held' && await swapIn(access, clone, db, writes)) {
        return { safetyBackup: null, stopped, how: `clone ${clone} swapped in; the failed database is kept as ${failed} until its safety dump is verified` };
      }
    }
    const restored = await restoreOverHold(view, writes, backup);
    return { ...restored, how: `no clone to swap in: ${restored.how}` };
  },

  async settle(ctx) {
    const { access, db } = await dbOf(ctx);
    const clone = str(ctx.facts[CLONE_FACT]);
    const failed = str(ctx.facts[FAILED_COPY_FACT]);
    if (clone) await waitWhileCreating(access, clone);
    const found = await survey(access, db, [clone, failed].filter((n): n is string => n !== null));
    // A psql cut short while cloning could have left the live database refusing connections.
    if (found.live) await allowConnections(access, db);
    const safetyBackup = failed && found.exists.has(failed) ? await keepFailedCopy(ctx, failed) : null;
    const dropped = [failed, clone].filter((n): n is string => n !== null && found.exists.has(n));
    await dropDatabases(access, dropped);
    return { dropped, ...(safetyBackup ? { safetyBackup } : {}) };
  },
};

/** The clone takes the held database's name; a failed rename gives the held one back before it throws. */
async function swapIn(access: DatabaseAccess, clone: string, db: string, writes: WriteHold): Promise<boolean> {
  try {
    return await moveIntoPlace(access, clone, db);
  } catch (error) {
    await writes.release();
    throw error;
  }
}

/** A verified safety dump of the failed copy — taken once, journaled — before the copy may go. */
async function keepFailedCopy(ctx: StrategyContext, failed: string): Promise<string> {
  const journaled = str(ctx.facts[FACT.safetyBackup]);
  if (journaled && verified(ctx, journaled)) return journaled;
  await allowConnections(await ctx.access(), failed);
  const record = await createBackup(ctx.env, { kind: 'safety', database: failed });
  await ctx.record(FACT.safetyBackup, record.name);
  return record.name;
}

function verified(ctx: StrategyContext, name: string): boolean {
  try {
    return readChecked(backupPath(ctx.env.backups.dir, name)).check.state === 'verified';
  } catch {
    return false;
  }
}
