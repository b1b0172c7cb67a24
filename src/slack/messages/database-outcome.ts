/**
 * What an operation did to the database and which release the host runs after it, as Slack says
 * them: the database step in the checklist (by what it did, not its name), the line of the live
 * message, and the thread's lines (every table's rows the restore took away, where they are, how to
 * get them back; "Back on" the release read from the host). All from the report: its sentences are
 * describeDatabaseRollback's, the same the CLI prints and the notifications send. Pure.
 */
import { describeDatabaseRollback } from '../../domain/database-rollback-summary.js';
import type { DatabaseRollback, OperationReport } from '../../domain/operation-report.js';
import { shortSha } from '../../domain/ref.js';
import { code, cut, escapeText } from './mrkdwn.js';

type Report = Pick<OperationReport, 'kind' | 'outcome' | 'database' | 'live' | 'environment'>;

/** The checklist keeps a live message short: the full story is in the thread. */
const LIVE_LINE_MAX = 1_200;
/** Tables listed one per line in the thread; the rest are counted. */
const TABLES_SHOWN = 30;

/** The rollback step that decides about the database; its checkmark would claim a restore that may not have happened. */
export const DATABASE_STEP = 'restore_database';

/** How the database step shows in the checklist once the report says what it did; null while unknown. */
export function databaseStepLabel(db: DatabaseRollback | undefined): { mark: string; label: string } | null {
  switch (db?.action) {
    case 'kept': return { mark: ':white_circle:', label: 'database kept' };
    case 'restored': return { mark: ':white_check_mark:', label: 'database restored' };
    case 'not_restored': return { mark: ':x:', label: 'database NOT restored' };
    default: return null;
  }
}

/**
 * The report's database story in words; null when it has none to tell. A failed rollback without
 * one stopped before its database step finished (databaseRollbackOf), so the database was not put back.
 */
function databaseSentence(r: Report): string | null {
  if (r.database) return describeDatabaseRollback(r.database, r.kind);
  return r.outcome === 'rollback_failed' ? 'The rollback stopped before its database step finished: the database was not put back.' : null;
}

/** The live message's one line about the database (mrkdwn), or null. */
export function databaseLine(r: Report): string | null {
  const sentence = databaseSentence(r);
  return sentence ? `*Database:* ${escapeText(cut(sentence, LIVE_LINE_MAX))}` : null;
}

/** The thread's lines about the database: the sentences, then every table whose rows the restore took away. */
export function databaseThreadLines(r: Report): string[] {
  const sentence = databaseSentence(r);
  if (!sentence) return [];
  const lines = [`*Database:* ${escapeText(sentence)}`];
  const lost = r.database?.action === 'restored' ? r.database.rowsLost : undefined;
  if (!lost || lost.total === 0) return lines;
  const tables = Object.entries(lost.byTable).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  lines.push(`Rows written since the snapshot (${escapeText(lost.since)}) that the restored database does not have:`);
  lines.push(...tables.slice(0, TABLES_SHOWN).map(([table, n]) => `• ${code(table)}: ${n} row${n === 1 ? '' : 's'}`));
  if (tables.length > TABLES_SHOWN) lines.push(`• …and ${tables.length - TABLES_SHOWN} more tables`);
  return lines;
}

/**
 * "Back on" the release the host's checkout is on after the operation, as the executor read it;
 * after a failed rollback only what the checkout is on, since the containers may not match it.
 */
export function liveReleaseLine(r: Report): string | null {
  if (r.outcome === 'refused') return null;
  const back = r.outcome === 'rolled_back' || (r.kind === 'rollback' && r.outcome === 'succeeded');
  const label = back ? 'Back on' : 'Checked out on the host now';
  if (!r.live) return `${label}: not read from the host — \`ripcord status --env ${escapeText(r.environment)}\` shows what runs`;
  const release = `${r.live.tag ? `${code(r.live.tag)} ` : ''}${code(shortSha(r.live.sha, 12))}`;
  return `${label}: ${release} (read from the host after the ${r.kind === 'rollback' || back ? 'rollback' : 'operation'})`;
}
