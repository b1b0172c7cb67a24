/**
 * The scheduled re-verification: every kept dump re-hashed against its manifest (and listed by
 * pg_restore), so a dump whose bytes changed on disk is found — and remembered as corrupt in its
 * manifest — before a rollback needs it. Reads dumps only; a dump pruned meanwhile is skipped.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import { listBackups } from './list-backups.js';
import { verifyBackup } from './verify-backup.js';

export interface ReverifyResult {
  /** Names that passed. */
  passed: string[];
  /** Failed now, and had not failed a full verification before: these are news. */
  newlyCorrupt: Array<{ name: string; reasons: string[] }>;
  /** Failed now, as they had before. */
  stillCorrupt: string[];
  /** Could not be checked (the tools or the database were not reachable), with why. */
  unchecked: Array<{ name: string; why: string }>;
}

export async function reverifyBackups(env: EnvironmentConfig): Promise<ReverifyResult> {
  const result: ReverifyResult = { passed: [], newlyCorrupt: [], stillCorrupt: [], unchecked: [] };
  for (const b of await listBackups(env)) {
    try {
      const r = await verifyBackup(env, b.name);
      if (r.ok) result.passed.push(b.name);
      else if (b.failedVerification) result.stillCorrupt.push(b.name);
      else result.newlyCorrupt.push({ name: b.name, reasons: r.reasons });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as { code?: string }).code === 'not_found') continue;
      result.unchecked.push({ name: b.name, why: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
