/**
 * The bot's audit writer: every entry goes to the fsynced file under stateDir first, then — when
 * `store.databaseUrl` is set — to PostgreSQL. Recording never throws into a listener: a failure
 * is logged as an error (the action itself was already decided).
 */
import type { Logger } from 'pino';
import type { RipcordConfig } from '../../config/schema.js';
import { AuditLog, type AuditEntry } from '../../state/audit-log.js';
import { AuditStoreCopy } from '../../store/audit-store.js';

export type AuditInput = Omit<AuditEntry, 'at'>;

export class AuditTrail {
  private readonly file: AuditLog;
  private readonly store: AuditStoreCopy | null;
  private readonly pending = new Set<Promise<void>>();

  constructor(config: Pick<RipcordConfig, 'stateDir' | 'store'>, private readonly log: Logger, private readonly now: () => Date = () => new Date()) {
    this.file = AuditLog.forStateDir(config.stateDir);
    this.store = config.store.databaseUrl ? new AuditStoreCopy(config.store.databaseUrl, log) : null;
  }

  get path(): string { return this.file.path; }

  /** Resolves once the entry is in the file (the store copy follows in the background). */
  async record(input: AuditInput): Promise<void> {
    const entry: AuditEntry = { at: this.now().toISOString(), ...input };
    try {
      await this.file.record(entry);
    } catch (error) {
      this.log.error({ err: error, event: entry.event, environment: entry.environment }, 'could not write the audit file');
    }
    if (this.store) {
      const copy = this.store.copy(entry);
      this.pending.add(copy);
      void copy.finally(() => this.pending.delete(copy));
    }
  }

  /** Waits for the store copies still in flight (on shutdown). */
  async drain(): Promise<void> { await Promise.all(this.pending); }
}
