/**
 * logs/update.log and logs/rollback.log in the old scripts' format, so people and tools that read
 * those files keep working: `[YYYY-MM-DD HH:MM:SS] STEP|SUCCESS|ERROR|ROLLBACK: message`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'date-fns';
import { redactString } from '../domain/redact.js';

export type ScriptLogKind = 'STEP' | 'SUCCESS' | 'ERROR' | 'ROLLBACK';

export function formatScriptLogLine(at: Date, kind: ScriptLogKind, message: string): string {
  return `[${format(at, 'yyyy-MM-dd HH:mm:ss')}] ${kind}: ${redactString(message).replace(/\n/g, ' ')}\n`;
}

export class ScriptLog {
  private readonly path: string;

  constructor(logDir: string, file: 'update.log' | 'rollback.log') {
    mkdirSync(logDir, { recursive: true });
    this.path = join(logDir, file);
  }

  /** Synchronous on purpose: the line must be on disk before the step it announces runs. */
  write(kind: ScriptLogKind, message: string, at: Date = new Date()): void {
    appendFileSync(this.path, formatScriptLogLine(at, kind, message), { mode: 0o640 });
  }
}
