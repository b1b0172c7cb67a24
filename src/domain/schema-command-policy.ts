/**
 * Level 2 rollbacks run a configured "reversal" migration against production. The runbook's rule is
 * forward reversals only, never a reset: these patterns are commands that throw data away, refused
 * by `ripcord config check` and again before a rollback runs anything.
 */

interface DeniedPattern {
  pattern: RegExp;
  why: string;
}

const DENIED: readonly DeniedPattern[] = [
  { pattern: /\bprisma\s+migrate\s+reset\b/i, why: '`prisma migrate reset` drops the whole database' },
  { pattern: /\bprisma\s+db\s+push\b[^|;&]*--(force-reset|accept-data-loss)\b/i, why: '`prisma db push --force-reset/--accept-data-loss` throws data away' },
  { pattern: /\bdrop\s+(database|schema|owned)\b/i, why: 'DROP DATABASE/SCHEMA/OWNED removes data' },
  { pattern: /\btruncate\b/i, why: 'TRUNCATE removes every row' },
  { pattern: /\bdropdb\b/i, why: '`dropdb` drops the database' },
  { pattern: /\bmanage\.py\s+(flush|reset_db|sqlflush)\b/i, why: 'manage.py flush/reset_db empties the database' },
  { pattern: /\bmanage\.py\s+migrate\s+\S+\s+zero\b/i, why: '`manage.py migrate APP zero` drops every table of the app' },
  { pattern: /\b(rails|rake)\s+db:(drop|reset|purge|schema:load)\b/i, why: 'rails db:drop/reset/purge/schema:load recreates the database' },
  { pattern: /\b(knex\s+migrate:rollback\s+--all|sequelize\s+db:migrate:undo:all|typeorm\s+schema:drop)\b/i, why: 'undoing every migration drops the schema' },
];

/** Why `command` may not run as a schema step, or null when it may. */
export function deniedSchemaCommand(command: string): string | null {
  return DENIED.find((d) => d.pattern.test(command))?.why ?? null;
}
