/** The backups module: what the executor and the CLI call. */
export { createBackup, type CreateOptions } from './create-backup.js';
export { verifyBackup, type VerifyResult } from './verify-backup.js';
export { restoreBackup, restoreBackupInto, type RestoreResult } from './restore-backup.js';
export { listBackups, readChecked, standingOf, type ListedBackup } from './list-backups.js';
export type { BackupRecord } from './manifest.js';
export { BACKUP_KINDS, type BackupKind } from './backup-files.js';
export { pruneBackups } from './prune-backups.js';
