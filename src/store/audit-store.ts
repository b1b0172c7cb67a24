/**
 * The audit trail's copy in Ripcord's PostgreSQL store (migration 002_audit.sql), when
 * `store.databaseUrl` is set. Best effort by design: the fsynced file under stateDir is written
 * first and is the record of truth, so a database outage never blocks or loses an audit entry.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { redactString } from '../domain/redact.js';
import type { AuditEntry } from '../state/audit-log.js';
import { migrateStore, withStore } from './pg-store.js';

export async function insertAudit(client: pg.Client, e: AuditEntry): Promise<void> {
  await client.query(
    `INSERT INTO ripcord.audit (at, event, environment, action, user_id, user_name, channel, target, operation_id, request_id, approval_id, detail)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [e.at, e.event, e.environment, e.action, e.user.id, e.user.name, e.channel, e.target ?? null, e.operationId ?? null, e.requestId ?? null, e.approvalId ?? null, e.detail ?? null],
  );
}

export async function listAudit(client: pg.Client, filter: { environment?: string; since?: Date }): Promise<AuditEntry[]> {
  const rows = await client.query<{ at: Date; event: AuditEntry['event']; environment: string; action: string; user_id: string; user_name: string; channel: string | null; target: string | null; operation_id: string | null; request_id: string | null; approval_id: string | null; detail: string | null }>(
    `SELECT * FROM ripcord.audit WHERE ($1::text IS NULL OR environment = $1) AND ($2::timestamptz IS NULL OR at >= $2) ORDER BY at, id`,
    [filter.environment ?? null, filter.since ?? null],
  );
  return rows.rows.map((r) => ({
    at: r.at.toISOString(), event: r.event, environment: r.environment, action: r.action, user: { id: r.user_id, name: r.user_name }, channel: r.channel,
    ...(r.target ? { target: r.target } : {}), ...(r.operation_id ? { operationId: r.operation_id } : {}), ...(r.request_id ? { requestId: r.request_id } : {}),
    ...(r.approval_id ? { approvalId: r.approval_id } : {}), ...(r.detail ? { detail: r.detail } : {}),
  }));
}

/** Copies entries to the store; returns why not when it could not (the caller logs it, the file has them). */
export class AuditStoreCopy {
  private migrated = false;

  constructor(private readonly url: string, private readonly log: Logger) {}

  async copy(entry: AuditEntry): Promise<void> {
    try {
      await withStore(this.url, async (client) => {
        if (!this.migrated) { await migrateStore(client); this.migrated = true; }
        await insertAudit(client, entry);
      });
    } catch (error) {
      this.log.warn({ err: redactString(error instanceof Error ? error.message : String(error)), event: entry.event }, 'audit entry not copied to the PostgreSQL store; it is in the audit file');
    }
  }
}
