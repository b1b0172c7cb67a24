/** Every backup in an environment's backup dir, newest first, including old-format dumps without a manifest. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../config/schema.js';
import { isBackupFileName } from './backup-files.js';
import { readRecord, type BackupRecord } from './manifest.js';

export async function listBackups(env: EnvironmentConfig): Promise<BackupRecord[]> {
  const dir = env.backups.dir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isBackupFileName)
    .map((name) => readRecord(join(dir, name)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
}
