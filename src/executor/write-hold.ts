/**
 * A rollback's hold on writes to the app database, for as long as a restore needs: the app services
 * stopped, and the database refused to everyone else and held under another name
 * (backups/database-hold.ts) from before the rows taken away are counted until the restored (or
 * cloned) database takes its name. So every write acknowledged before the rollback is in the live
 * database or in the safety backup, and the count is final. The hold is journaled before it acts
 * and given back when the restore fails; a run resumed after a crash finds it in the journal and in
 * the catalog, and goes on from it.
 */
import { connectionOf, type DatabaseAccess } from '../backups/pg-commands.js';
import { checkIdentifierLength } from '../backups/database-swap.js';
import { databaseOid, holdDatabase, releaseHold, type DatabaseHold, type HoldState } from '../backups/database-hold.js';
import { FACT } from '../domain/journal-entry.js';

/** Fact key: the hold (journaled before it acts, and again before it is given back). */
export const HOLD_FACT = 'databaseHold';

export interface WriteHold {
  /** Stops the app and holds the database (idempotent); `replaced` when an earlier run already put another database under its name. */
  hold(): Promise<{ heldAs: string; state: HoldState; stopped: string[] }>;
  /** After a failure: gives the database back under its name, accepting connections (journaled first). */
  release(): Promise<void>;
}

export function journaledHold(facts: Readonly<Record<string, unknown>>): DatabaseHold | null {
  const v = facts[HOLD_FACT] as Partial<DatabaseHold> | undefined;
  return v && typeof v.database === 'string' && typeof v.heldAs === 'string' && typeof v.oid === 'number' ? v as DatabaseHold : null;
}

/** What a hold needs of a database strategy's context (database-rollback.ts StrategyContext). */
export interface HoldContext {
  facts: Readonly<Record<string, unknown>>;
  access(): Promise<DatabaseAccess>;
  record(key: string, value: unknown): Promise<void>;
  stopApp(): Promise<string[]>;
}

/**
 * A hold for this run of the restore step, and the facts it may go on from. A hold that an earlier
 * run gave back (its restore failed), or took before it had journaled its decision (it was cut
 * short while counting), is given back, and what was decided or dumped under it is dropped from
 * view: writes may have been made since, so the decision, the count and the safety backup are
 * made again.
 */
export async function openWriteHold<C extends HoldContext>(ctx: C, heldAs: string): Promise<{ ctx: C; writes: WriteHold }> {
  let current = journaledHold(ctx.facts);
  if (current && (current.released || !ctx.facts[FACT.databaseRestore])) {
    await releaseHold(await ctx.access(), current);
    const stale = new Set<string>([HOLD_FACT, FACT.databaseRestore, FACT.safetyBackup]);
    ctx = { ...ctx, facts: Object.fromEntries(Object.entries(ctx.facts).filter(([k]) => !stale.has(k))) };
    current = null;
  }
  const view = ctx;
  let holding: ReturnType<WriteHold['hold']> | null = null;
  const release = async () => {
    if (!current) return;
    await view.record(HOLD_FACT, { ...current, released: true });
    await releaseHold(await view.access(), current);
  };
  const hold = async () => {
    // PostgreSQL would silently truncate a longer name, and the hold would not find it again.
    checkIdentifierLength(heldAs, 'use a database name of at most 48 bytes (the held name adds 15)');
    const access = await view.access();
    const stopped = await view.stopApp();
    current ??= { database: connectionOf(access).dbname, heldAs, oid: await databaseOid(access, connectionOf(access).dbname) };
    if (!journaledHold(view.facts)) await view.record(HOLD_FACT, current);
    try {
      return { heldAs: current.heldAs, state: await holdDatabase(access, current), stopped };
    } catch (error) {
      await release();
      throw error;
    }
  };
  return { ctx: view, writes: { hold: () => (holding ??= hold()), release } };
}

/**
 * After a rollback has ended: gives back a hold that is still in place — a run resumed after a
 * crash that stopped before its restore step this time (an earlier step failed). Idempotent, and
 * harmless after a restore (the live name then only accepts connections again). Null when there
 * was none; otherwise whether the held database was renamed back.
 */
export async function releaseLeftHold(facts: Readonly<Record<string, unknown>>, access: () => Promise<DatabaseAccess>): Promise<boolean | null> {
  const hold = journaledHold(facts);
  return hold ? releaseHold(await access(), hold) : null;
}
