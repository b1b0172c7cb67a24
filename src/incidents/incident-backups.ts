/**
 * The backups an incident's summary is checked against, read from the backup dir where this process
 * runs. Null where it cannot be read (a bot on another host has no backup dir): the summary then
 * names the backups as recorded, without claiming a check it did not make.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { listBackups, standingOf } from '../backups/index.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { BackupStanding } from '../domain/backup-check.js';

export async function backupsSeenHere(env: EnvironmentConfig | undefined, log: Logger): Promise<BackupStanding[] | null> {
  if (!env || !existsSync(env.backups.dir)) return null;
  try {
    return (await listBackups(env)).map((b) => ({ name: b.name, createdAt: b.createdAt, releaseSha: b.releaseSha, ...standingOf(b) }));
  } catch (error) {
    log.warn({ err: error }, 'backup dir not readable for the incident summary; backups named as recorded');
    return null;
  }
}
