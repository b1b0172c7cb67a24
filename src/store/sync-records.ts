/** Best-effort copy of the journals into Ripcord's PostgreSQL records, after an operation or on demand. */
import type { RipcordConfig } from '../config/schema.js';
import { redactString } from '../domain/redact.js';
import { migrateStore, syncJournals, withStore } from './pg-store.js';

export interface SyncOutcome {
  written: number;
  /** Why nothing could be written; the journals keep everything until the next sync. */
  error: string | null;
}

export async function syncRecords(config: RipcordConfig): Promise<SyncOutcome | null> {
  const url = config.store.databaseUrl;
  if (!url) return null;
  try {
    const written = await withStore(url, async (client) => {
      await migrateStore(client);
      return syncJournals(client, config.stateDir);
    });
    return { written, error: null };
  } catch (error) {
    return { written: 0, error: redactString(error instanceof Error ? error.message : String(error)) };
  }
}
