/** The short usage texts of `/rollback` and `/backups`: for `help`, and for anything they do not understand. Pure. */
import { context, section, type SlackMessage } from './blocks.js';
import { escapeText } from './mrkdwn.js';

function usage(title: string, lines: readonly string[], problem: string | null, environments: readonly string[]): SlackMessage {
  const envs = environments.length ? `Environments: ${environments.map((e) => `\`${escapeText(e)}\``).join(', ')} (name one last; optional when there is only one).` : '';
  return {
    text: escapeText(problem ? `${problem}. ${title}` : title),
    blocks: [
      ...(problem ? [section(`:warning: ${escapeText(problem)}`)] : []),
      section(`*${title}*\n${lines.join('\n')}`),
      ...(envs ? [context(envs)] : []),
    ],
  };
}

export function rollbackUsage(problem: string | null, environments: readonly string[]): SlackMessage {
  return usage('/rollback — put an environment back', [
    '`/rollback [ENV]` — a form: quick, to a release, restore a backup, full, or Level 1/2/3',
    '`/rollback quick [ENV]` — back to the previous release; shows whether the database is restored and why',
    '`/rollback commit REF [ENV]` · `/rollback backup NAME [ENV]` · `/rollback full REF [NAME] [ENV]`',
    '`/rollback status [ENV]` — release, health, lock, last operation, newest verified backup',
    'Every rollback shows its plan first and runs only after you confirm.',
  ], problem, environments);
}

export function backupsUsage(problem: string | null, environments: readonly string[]): SlackMessage {
  return usage('/backups — database backups', [
    '`/backups list [ENV]` — newest first, with kind, size, age and whether verified',
    '`/backups create [ENV]` — take a verified backup now',
    '`/backups verify NAME [ENV]` — checksum and `pg_restore --list`',
    '`/backups restore NAME [ENV]` — replace the database (a safety backup first); asks you to confirm',
  ], problem, environments);
}
